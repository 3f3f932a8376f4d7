#include "meta/frame_rules.h"

#include "support/error.h"

#include "llvm/DebugInfo/DWARF/DWARFContext.h"
#include "llvm/DebugInfo/DWARF/DWARFDebugFrame.h"

#include <map>

using namespace llvm;
using namespace llvm::dwarf;

namespace xisa::meta {

// Highest DWARF register probed in a row: covers the GPRs, FP/SIMD registers
// and link registers of all three ISAs (ppc64 VRs end at 108).
constexpr uint32_t kMaxDwarfReg = 127;

struct FrameRules::Impl {
  std::unique_ptr<DWARFContext> dwarf;
  std::map<uint64_t, const dwarf::FDE *> fdes; // initial location -> FDE
};

FrameRules::FrameRules(const object::ObjectFile &object) : impl(new Impl) {
  impl->dwarf = DWARFContext::create(object);
  Expected<const DWARFDebugFrame *> frames = impl->dwarf->getEHFrame();
  if (!frames)
    fail(".eh_frame: {}", toString(frames.takeError()));
  for (const dwarf::FrameEntry &entry : (*frames)->entries())
    if (const auto *fde = dyn_cast<dwarf::FDE>(&entry))
      impl->fdes[fde->getInitialLocation()] = fde;
}

FrameRules::~FrameRules() = default;

static SavedRegister::Rule convertRule(const UnwindLocation &location, uint32_t reg,
                                       SavedRegister &out, uint64_t pc) {
  switch (location.getLocation()) {
  // UnwindLocation has no getter for "dereference"; compare with the
  // dereferenced and plain forms instead.
  case UnwindLocation::CFAPlusOffset:
    if (!(location == UnwindLocation::createAtCFAPlusOffset(location.getOffset())))
      break;
    out.value = location.getOffset();
    return SavedRegister::Rule::AtCfaOffset;
  case UnwindLocation::RegPlusOffset:
    if (!(location == UnwindLocation::createIsRegisterPlusOffset(location.getRegister(), 0)))
      break;
    out.value = location.getRegister();
    return SavedRegister::Rule::InRegister;
  default:
    break;
  }
  fail(".eh_frame: register {} at pc {:#x} has a rule xisa does not handle (kind {})", reg, pc,
       static_cast<int>(location.getLocation()));
}

FrameRule FrameRules::at(uint64_t pc) const {
  auto it = impl->fdes.upper_bound(pc);
  if (it == impl->fdes.begin() || pc >= std::prev(it)->first + std::prev(it)->second->getAddressRange())
    fail(".eh_frame: no FDE covers pc {:#x} (built without unwind tables?)", pc);
  const dwarf::FDE *fde = std::prev(it)->second;
  Expected<UnwindTable> table = UnwindTable::create(fde);
  if (!table)
    fail(".eh_frame: FDE for pc {:#x}: {}", pc, toString(table.takeError()));
  const UnwindRow *row = nullptr;
  for (const UnwindRow &candidate : *table)
    if (candidate.hasAddress() && candidate.getAddress() <= pc)
      row = &candidate;
  if (!row)
    fail(".eh_frame: FDE for pc {:#x} has no row covering it", pc);

  FrameRule rule;
  const UnwindLocation &cfa = row->getCFAValue();
  if (!(cfa == UnwindLocation::createIsRegisterPlusOffset(cfa.getRegister(), cfa.getOffset())))
    fail(".eh_frame: CFA at pc {:#x} is not register + offset", pc);
  rule.cfa_reg = static_cast<uint16_t>(cfa.getRegister());
  rule.cfa_offset = cfa.getOffset();
  rule.return_address_reg = static_cast<uint16_t>(fde->getLinkedCIE()->getReturnAddressRegister());
  for (uint32_t reg = 0; reg <= kMaxDwarfReg; ++reg) {
    std::optional<UnwindLocation> location = row->getRegisterLocations().getRegisterLocation(reg);
    if (!location || location->getLocation() == UnwindLocation::Same ||
        location->getLocation() == UnwindLocation::Undefined ||
        location->getLocation() == UnwindLocation::Unspecified)
      continue;
    SavedRegister saved;
    saved.dwarf_reg = static_cast<uint16_t>(reg);
    saved.rule = convertRule(*location, reg, saved, pc);
    rule.saved.push_back(saved);
  }
  return rule;
}

} // namespace xisa::meta
