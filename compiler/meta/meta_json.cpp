#include "meta/meta_json.h"

#include <fmt/format.h>

namespace xisa::meta {

using nlohmann::json;

static const char *kindName(LocationKind kind) {
  switch (kind) {
  case LocationKind::Register: return "register";
  case LocationKind::Direct: return "direct";
  case LocationKind::Indirect: return "indirect";
  case LocationKind::Constant: return "constant";
  }
  return "?";
}

static json liveValue(const LiveValue &value) {
  json out = {{"kind", kindName(value.kind)},
              {"type", value_type_name(value.type)},
              {"size", value.size}};
  if (value.kind == LocationKind::Constant)
    out["constant"] = value.constant;
  else
    out["dwarf_reg"] = value.dwarf_reg;
  if (value.kind == LocationKind::Direct || value.kind == LocationKind::Indirect)
    out["offset"] = value.offset;
  return out;
}

// The value a known value describes, without its place.
static std::string valueText(const KnownValue &known) {
  std::string plus =
      known.plus_live_value ? fmt::format("+live{}", *known.plus_live_value) : std::string();
  switch (known.base) {
  case KnownValue::Base::Absolute:
    if (!plus.empty())
      return fmt::format("{}{:+}", plus.substr(1), known.offset);
    if (known.high != uint64_t(known.offset)) // not a splat: both halves
      return fmt::format("{:#x}:{:#x}", known.high, uint64_t(known.offset));
    return fmt::format("{:#x}", uint64_t(known.offset));
  case KnownValue::Base::ThreadPointer: return fmt::format("tp{}{:+}", plus, known.offset);
  case KnownValue::Base::Cfa: return fmt::format("cfa{}{:+}", plus, known.offset);
  case KnownValue::Base::LiveValue: {
    std::string sum = fmt::format("{}live{}{}{:+}", known.negated ? "-" : "", known.live_value,
                                  plus, known.offset);
    if (known.shift_right) // >>u logical, >>s arithmetic
      sum = fmt::format("({})>>{}{}", sum, known.shift_signed ? "s" : "u", known.shift_right);
    if (known.low) // the low bytes, sign- or zero-extended: sext4(live1+48)
      return fmt::format("{}ext{}({})", known.sign_extended ? "s" : "z", known.low, sum);
    return sum;
  }
  }
  return "?";
}

// ppc64's mnemonic for the comparison: "cmpd live0+0,live6+0" (of the bits
// andi. tests: "cmpd (live0+0)&0x1,0"), followed, unless the field holds
// its result as is, by which field bit holds which result bit: "lt=~eq"
// (the field's LT holds the complement of the result's EQ).
static std::string comparisonText(const Comparison &compare, const std::string &value) {
  std::string other = compare.live_value
                          ? fmt::format("live{}{:+}", *compare.live_value, compare.offset)
                          : fmt::format("{}", compare.offset);
  std::string first =
      compare.mask == ~uint64_t(0) ? value : fmt::format("({})&{:#x}", value, compare.mask);
  std::string text = fmt::format("cmp{}{} {},{}", compare.is_signed ? "" : "l",
                                 compare.bytes == 4 ? "w" : "d", first, other);
  if (compare.result_bit == Comparison{}.result_bit && !compare.complemented)
    return text;
  static constexpr const char *kBits[] = {"lt", "gt", "eq", "so"};
  for (size_t i = 0; i < compare.result_bit.size(); ++i)
    if (uint8_t from = compare.result_bit[i]; from != Comparison::kNoBit)
      text += fmt::format(" {}={}{}", kBits[i], compare.complemented & (8 >> i) ? "~" : "",
                          kBits[from & 3]);
  return text;
}

std::string known_value_text(const KnownValue &known) {
  std::string where = known.in_register
                          ? fmt::format("r{}", known.dwarf_reg)
                          : fmt::format("[cfa{:+}]:{}", known.cfa_offset, known.size);
  std::string value = valueText(known);
  if (known.comparison)
    value = comparisonText(*known.comparison, value);
  return where + "=" + value;
}

static json frameRule(const FrameRule &rule) {
  json saved = json::array();
  for (const SavedRegister &reg : rule.saved)
    saved.push_back({{"dwarf_reg", reg.dwarf_reg},
                     {"rule", reg.rule == SavedRegister::Rule::AtCfaOffset ? "at_cfa_offset"
                                                                           : "in_register"},
                     {"value", reg.value}});
  return {{"cfa_reg", rule.cfa_reg},
          {"cfa_offset", rule.cfa_offset},
          {"return_address_reg", rule.return_address_reg},
          {"saved", saved}};
}

json to_json(const Metadata &meta) {
  json out = {{"path", meta.path}, {"isa", name(meta.isa)}};
  if (meta.info) {
    std::string buildId;
    for (uint8_t b : meta.info->build_id)
      buildId += fmt::format("{:02x}", b);
    out["info"] = {{"version", meta.info->version},
                   {"build_id", buildId},
                   {"tls_address", meta.info->tls_address},
                   {"tls_file_size", meta.info->tls_file_size},
                   {"tls_mem_size", meta.info->tls_mem_size},
                   {"tls_align", meta.info->tls_align},
                   {"tp_convention", static_cast<uint32_t>(meta.info->tp_convention)},
                   {"tp_offset", meta.info->tp_offset}};
    json nonmig = json::array();
    for (const NonMigratable &entry : meta.info->nonmig)
      nonmig.push_back({{"function", entry.function}, {"reason", entry.reason}});
    out["info"]["nonmig"] = nonmig;
  }
  json nonmig = json::array();
  for (const NonMigratable &entry : meta.nonmig)
    nonmig.push_back({{"function", entry.function}, {"reason", entry.reason}});
  out["nonmig"] = nonmig;
  json functions = json::array();
  for (const Function &function : meta.functions)
    functions.push_back({{"name", function.name},
                         {"address", function.address},
                         {"size", function.size},
                         {"stack_size", function.stack_size}});
  out["functions"] = functions;
  json sites = json::array();
  for (const CallSite &site : meta.call_sites) {
    json values = json::array();
    for (const LiveValue &value : site.live_values)
      values.push_back(liveValue(value));
    json known = json::array();
    for (const KnownValue &value : site.known_values)
      known.push_back(known_value_text(value));
    sites.push_back({{"id", fmt::format("{:#018x}", site.id)},
                     {"return_address", site.return_address},
                     {"record_address", site.record_address},
                     {"function", meta.functions[site.function].name},
                     {"live_values", values},
                     {"known_values", known},
                     {"frame", frameRule(site.frame)}});
  }
  out["call_sites"] = sites;
  return out;
}

} // namespace xisa::meta
