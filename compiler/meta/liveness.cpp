#include "meta/liveness.h"

#include "llvm/ADT/STLExtras.h"

#include <algorithm>
#include <iterator>
#include <queue>

namespace xisa::meta {

namespace {

// The sorted union of sorted `into` and `more`, in `into`.
template <class T> void unite(std::vector<T> &into, const std::vector<T> &more) {
  if (more.empty())
    return;
  std::vector<T> both;
  both.reserve(into.size() + more.size());
  std::set_union(into.begin(), into.end(), more.begin(), more.end(), std::back_inserter(both));
  into = std::move(both);
}

// The bytes `accesses` reach, sorted.
std::vector<int64_t> bytesOf(const std::vector<FrameBytes> &accesses) {
  std::vector<int64_t> bytes;
  for (const FrameBytes &access : accesses)
    for (unsigned b = 0; b < access.bytes; ++b)
      bytes.push_back(access.cfa_offset + b);
  llvm::sort(bytes);
  bytes.erase(std::unique(bytes.begin(), bytes.end()), bytes.end());
  return bytes;
}

// An instruction's effects as sorted sets: live = (out - kills) + gens.
struct Transfer {
  std::vector<int> reads, writes;
  std::vector<int64_t> loads, stores;

  explicit Transfer(const InstrEffects &effects)
      : reads(effects.reads.begin(), effects.reads.end()),
        writes(effects.writes.begin(), effects.writes.end()), loads(bytesOf(effects.loads)),
        stores(bytesOf(effects.stores)) {
    for (std::vector<int> *regs : {&reads, &writes}) {
      llvm::sort(*regs);
      regs->erase(std::unique(regs->begin(), regs->end()), regs->end());
    }
  }

  Live operator()(Live live) const {
    apply(live.regs, writes, reads);
    apply(live.bytes, stores, loads);
    return live;
  }

private:
  template <class T>
  static void apply(std::vector<T> &live, const std::vector<T> &kills, const std::vector<T> &gens) {
    std::vector<T> kept;
    kept.reserve(live.size());
    std::set_difference(live.begin(), live.end(), kills.begin(), kills.end(),
                        std::back_inserter(kept));
    unite(kept, gens);
    live = std::move(kept);
  }
};

} // namespace

std::vector<Live> live_before(std::span<const InstrEffects> effects,
                              const std::vector<std::vector<size_t>> &succs) {
  std::vector<std::vector<size_t>> preds(effects.size());
  for (size_t i = 0; i < succs.size(); ++i)
    for (size_t s : succs[i])
      preds[s].push_back(i);
  std::vector<Transfer> transfers;
  transfers.reserve(effects.size());
  for (const InstrEffects &e : effects)
    transfers.emplace_back(e);
  std::vector<Live> before(effects.size());
  // Last instruction first: most of a function's flow is forward, so most
  // instructions settle on their first visit.
  std::priority_queue<size_t> work;
  std::vector<bool> queued(effects.size(), true);
  for (size_t i = 0; i < effects.size(); ++i)
    work.push(i);
  while (!work.empty()) {
    size_t i = work.top();
    work.pop();
    queued[i] = false;
    Live out;
    for (size_t s : succs[i]) {
      unite(out.regs, before[s].regs);
      unite(out.bytes, before[s].bytes);
    }
    Live in = transfers[i](std::move(out));
    if (in == before[i])
      continue;
    before[i] = std::move(in);
    for (size_t p : preds[i])
      if (!queued[p]) {
        queued[p] = true;
        work.push(p);
      }
  }
  return before;
}

} // namespace xisa::meta
