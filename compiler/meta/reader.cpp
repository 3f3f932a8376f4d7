// xisa::meta::read: ties the section readers together.
#include "meta/code_reader.h"
#include "meta/disassembler.h"
#include "meta/frame_rules.h"
#include "meta/known_values.h"
#include "meta/metadata.h"
#include "meta/section_bytes.h"
#include "meta/stackmaps.h"

#include "support/error.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Object/ELFObjectFile.h"
#include "llvm/Object/ObjectFile.h"

#include <algorithm>
#include <map>

using namespace llvm;

namespace xisa::meta {

namespace {

Isa isaOf(const object::ELF64LEObjectFile &elf, const std::string &path) {
  unsigned machine = elf.getELFFile().getHeader().e_machine;
  for (Isa isa : kAllIsas)
    if (info(isa).elf_machine == machine)
      return isa;
  fail("{}: ELF machine {} is none of {}", path, machine, isa_names());
}

// Function symbols by address (the stackmap only knows addresses).
std::map<uint64_t, Function> functionSymbols(const object::ELF64LEObjectFile &elf) {
  std::map<uint64_t, Function> out;
  for (const object::ELFSymbolRef &symbol : elf.symbols()) {
    Expected<object::SymbolRef::Type> type = symbol.getType();
    Expected<uint64_t> address = symbol.getAddress();
    Expected<StringRef> name = symbol.getName();
    if (!type || !address || !name || *type != object::SymbolRef::ST_Function) {
      consumeError(type.takeError());
      consumeError(address.takeError());
      consumeError(name.takeError());
      continue;
    }
    out.try_emplace(*address, Function{name->str(), *address, symbol.getSize(), 0});
  }
  return out;
}

} // namespace

struct Tracer::Code {
  Code(object::OwningBinary<object::ObjectFile> binary, std::string path, Isa isa)
      : binary(std::move(binary)), path(std::move(path)),
        disassembler(*this->binary.getBinary(), isa) {}

  object::OwningBinary<object::ObjectFile> binary;
  std::string path;
  Disassembler disassembler;
};

Tracer::Tracer(std::unique_ptr<Code> code) : code_(std::move(code)) {}
Tracer::~Tracer() = default;

std::vector<std::string> Tracer::trace(const Function &function,
                                       std::span<CallSite *const> sites) const {
  try {
    return trace_values(code_->disassembler, function, sites);
  } catch (const Error &e) {
    fail("{}: {}", code_->path, e.what());
  }
}

Untraced Untraced::read(const std::string &path) {
  Expected<object::OwningBinary<object::ObjectFile>> binary =
      object::ObjectFile::createObjectFile(path);
  if (!binary)
    fail("cannot open {}: {}", path, toString(binary.takeError()));
  const object::ObjectFile &object = *binary->getBinary();
  const auto *elf = dyn_cast<object::ELF64LEObjectFile>(&object);
  if (!elf)
    fail("{}: not a 64-bit little-endian ELF file", path);
  auto type = elf->getELFFile().getHeader().e_type;
  if (type != ELF::ET_EXEC && type != ELF::ET_DYN)
    fail("{}: not a linked executable (ELF type {}); xisa meta reads what xisa-cc links", path,
         type);

  Untraced out;
  Metadata &meta = out.meta;
  meta.path = path;
  meta.isa = isaOf(*elf, path);
  out.tracer.reset(new Tracer(std::make_unique<Tracer::Code>(std::move(*binary), path, meta.isa)));
  const Disassembler &disassembler = out.tracer->code_->disassembler;
  // The section readers name the path in their errors; the decoding below
  // gets it once from the catch.
  std::optional<std::vector<uint8_t>> info = section_bytes(object, kInfoSection, path),
                                      nonmig = section_bytes(object, kNonMigSection, path),
                                      frameLayouts = section_bytes(object, kFramesSection, path);
  std::vector<StackMapRecord> records = stackmap_records(object, path);
  try {
    if (info)
      meta.info = decode_info(info->data(), info->size());
    if (nonmig)
      meta.nonmig = decode_nonmig(nonmig->data(), nonmig->size());
    if (frameLayouts)
      meta.frames = decode_frames(frameLayouts->data(), frameLayouts->size());
    if (records.empty())
      return out; // nothing built with the pass: no call sites

    std::map<uint64_t, Function> symbols = functionSymbols(*elf);
    std::map<uint64_t, uint32_t> functionIndex;
    for (const StackMapRecord &record : records) {
      if (functionIndex.count(record.function_address))
        continue;
      auto symbol = symbols.find(record.function_address);
      Function function = symbol != symbols.end()
                              ? symbol->second
                              : Function{"", record.function_address, 0, 0};
      function.stack_size = record.function_stack_size;
      functionIndex[record.function_address] = 0;
      meta.functions.push_back(std::move(function));
    }
    std::sort(meta.functions.begin(), meta.functions.end(),
              [](const Function &a, const Function &b) { return a.address < b.address; });
    for (uint32_t i = 0; i < meta.functions.size(); ++i)
      functionIndex[meta.functions[i].address] = i;

    CodeReader code(disassembler);
    FrameRules frames(object);
    for (StackMapRecord &record : records) {
      CallSite site;
      site.id = record.id;
      site.record_address = record.record_address;
      site.function = functionIndex[record.function_address];
      site.live_values = std::move(record.live_values);
      meta.call_sites.push_back(std::move(site));
    }
    std::vector<std::vector<CallSite *>> sitesOf = sites_by_function(meta);
    for (size_t i = 0; i < meta.functions.size(); ++i)
      code.resolve(sitesOf[i], meta.functions[i].address);
    for (CallSite &site : meta.call_sites)
      site.frame = frames.at(site.return_address - 1);
    std::sort(meta.call_sites.begin(), meta.call_sites.end(),
              [](const CallSite &a, const CallSite &b) { return a.return_address < b.return_address; });
  } catch (const Error &e) {
    fail("{}: {}", path, e.what());
  }
  return out;
}

Metadata read(const std::string &path) {
  Untraced untraced = Untraced::read(path);
  Metadata &meta = untraced.meta;
  std::vector<std::vector<CallSite *>> sitesOf = sites_by_function(meta);
  for (size_t i = 0; i < meta.functions.size(); ++i)
    for (std::string &why : untraced.tracer->trace(meta.functions[i], sitesOf[i]))
      meta.undescribed.push_back(fmt::format("{}: {}: {}", path, meta.functions[i].name, why));
  return std::move(meta);
}

const CallSite *Metadata::find_return_address(uint64_t address) const {
  auto it = std::lower_bound(call_sites.begin(), call_sites.end(), address,
                             [](const CallSite &site, uint64_t a) { return site.return_address < a; });
  return it != call_sites.end() && it->return_address == address ? &*it : nullptr;
}

const CallSite *Metadata::find_id(uint64_t id) const {
  for (const CallSite &site : call_sites)
    if (site.id == id)
      return &site;
  return nullptr;
}

} // namespace xisa::meta
