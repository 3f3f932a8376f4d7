// A map kept as one sorted vector: the dataflow (known_values.cpp) copies,
// compares and meets whole maps of a hundred-odd registers and slots at
// every instruction it visits, which a node-based std::map makes a malloc
// per entry. The interface is the part of std::map's the dataflow uses, in
// the same key order.
#pragma once

#include <algorithm>
#include <cstddef>
#include <utility>
#include <vector>

namespace xisa::meta {

template <class Key, class T> class FlatMap {
public:
  using value_type = std::pair<Key, T>;
  using iterator = typename std::vector<value_type>::iterator;
  using const_iterator = typename std::vector<value_type>::const_iterator;

  iterator begin() { return items_.begin(); }
  iterator end() { return items_.end(); }
  const_iterator begin() const { return items_.begin(); }
  const_iterator end() const { return items_.end(); }
  size_t size() const { return items_.size(); }
  bool empty() const { return items_.empty(); }
  void clear() { items_.clear(); }

  iterator lower_bound(const Key &key) {
    return std::lower_bound(items_.begin(), items_.end(), key, keyBefore);
  }
  const_iterator lower_bound(const Key &key) const {
    return std::lower_bound(items_.begin(), items_.end(), key, keyBefore);
  }
  iterator find(const Key &key) {
    iterator it = lower_bound(key);
    return it != end() && it->first == key ? it : end();
  }
  const_iterator find(const Key &key) const {
    const_iterator it = lower_bound(key);
    return it != end() && it->first == key ? it : end();
  }
  size_t count(const Key &key) const { return find(key) != end(); }

  // Inserts `value` at `key` unless the key is there.
  std::pair<iterator, bool> try_emplace(const Key &key, const T &value) {
    iterator it = lower_bound(key);
    if (it != end() && it->first == key)
      return {it, false};
    return {items_.insert(it, value_type(key, value)), true};
  }
  T &operator[](const Key &key) { return try_emplace(key, T{}).first->second; }

  iterator erase(const_iterator it) { return items_.erase(it); }
  iterator erase(const_iterator first, const_iterator last) { return items_.erase(first, last); }
  size_t erase(const Key &key) {
    iterator it = find(key);
    if (it == end())
      return 0;
    items_.erase(it);
    return 1;
  }
  // Removes the entries (key, value) for which pred holds, in one pass.
  template <class Pred> void erase_if(Pred pred) { std::erase_if(items_, pred); }
  // Keeps the entries for which keep(entry) holds, in one pass; keep may
  // change the entry's value.
  template <class Keep> void keep_if(Keep keep) {
    auto kept = items_.begin();
    for (auto it = items_.begin(); it != items_.end(); ++it)
      if (keep(*it)) {
        if (kept != it)
          *kept = std::move(*it);
        ++kept;
      }
    items_.erase(kept, items_.end());
  }

  bool operator==(const FlatMap &) const = default;

private:
  static bool keyBefore(const value_type &item, const Key &key) { return item.first < key; }

  std::vector<value_type> items_;
};

// Looks up keys in ascending order in a FlatMap, walking it once (a merge
// of two maps) instead of searching it for each.
template <class Key, class T> class AscendingLookup {
public:
  explicit AscendingLookup(const FlatMap<Key, T> &map) : at_(map.begin()), end_(map.end()) {}

  // The value at `key`, null if none; `key` must not be below the last one.
  const T *find(const Key &key) {
    while (at_ != end_ && at_->first < key)
      ++at_;
    return at_ != end_ && at_->first == key ? &at_->second : nullptr;
  }

private:
  typename FlatMap<Key, T>::const_iterator at_, end_;
};

} // namespace xisa::meta
