#include "meta/liveness.h"

namespace xisa::meta {

namespace {

// live = (out - writes) + reads.
Live transfer(const InstrEffects &effects, Live live) {
  for (int reg : effects.writes)
    live.regs.erase(reg);
  for (const FrameBytes &store : effects.stores)
    for (unsigned b = 0; b < store.bytes; ++b)
      live.bytes.erase(store.cfa_offset + b);
  for (int reg : effects.reads)
    live.regs.insert(reg);
  for (const FrameBytes &load : effects.loads)
    for (unsigned b = 0; b < load.bytes; ++b)
      live.bytes.insert(load.cfa_offset + b);
  return live;
}

} // namespace

std::vector<Live> live_before(std::span<const InstrEffects> effects,
                              const std::vector<std::vector<size_t>> &succs) {
  std::vector<std::vector<size_t>> preds(effects.size());
  for (size_t i = 0; i < succs.size(); ++i)
    for (size_t s : succs[i])
      preds[s].push_back(i);
  std::vector<Live> before(effects.size());
  // Last instruction first: most of a function's flow is forward, so most
  // instructions settle on their first visit.
  std::set<size_t, std::greater<>> work;
  for (size_t i = 0; i < effects.size(); ++i)
    work.insert(i);
  while (!work.empty()) {
    size_t i = *work.begin();
    work.erase(work.begin());
    Live out;
    for (size_t s : succs[i]) {
      out.regs.insert(before[s].regs.begin(), before[s].regs.end());
      out.bytes.insert(before[s].bytes.begin(), before[s].bytes.end());
    }
    Live in = transfer(effects[i], std::move(out));
    if (in == before[i])
      continue;
    before[i] = std::move(in);
    for (size_t p : preds[i])
      work.insert(p);
  }
  return before;
}

} // namespace xisa::meta
