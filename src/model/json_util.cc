// Depth-limited JSON parsing and Python-2-style renderings of JSON values.
#include "model/json_util.h"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <limits>

#include "base/strings.h"

namespace felix::model::internal {
namespace {

// Reprs longer than this are cut with "..." so that issue texts for
// megabyte-sized values stay bounded (Python printed them whole).
constexpr size_t kReprLimit = 16384;

// Deepest [ / { nesting outside strings; stops counting past the limit.
bool DepthWithin(std::string_view raw, int max_depth) {
  int depth = 0;
  bool in_string = false;
  for (size_t i = 0; i < raw.size(); ++i) {
    char c = raw[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > max_depth) return false;
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return true;
}

// The text without commas that directly (ignoring whitespace) precede a
// closing ] or }, outside strings. The guide "Using Calico to Secure Host
// Interfaces" prints its host endpoint with such a comma, and it must work
// verbatim; Python's json.loads rejected it.
std::string WithoutTrailingCommas(std::string_view raw) {
  std::string out;
  out.reserve(raw.size());
  bool in_string = false;
  for (size_t i = 0; i < raw.size(); ++i) {
    const char c = raw[i];
    if (in_string) {
      if (c == '\\' && i + 1 < raw.size()) {
        out += c;
        out += raw[++i];
        continue;
      }
      if (c == '"') in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == ',') {
      // Only a comma after a value: `[,]` and `{,}` stay invalid.
      const size_t prev = out.find_last_not_of(" \t\r\n");
      const bool after_value = prev != std::string::npos && out[prev] != '[' && out[prev] != '{';
      const size_t next = raw.find_first_not_of(" \t\r\n", i + 1);
      if (after_value && next != std::string_view::npos && (raw[next] == ']' || raw[next] == '}')) {
        continue;
      }
    }
    out += c;
  }
  return out;
}

Json ParseOrDiscard(std::string_view text) {
  return Json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
}

void AppendRepr(const Json& v, bool top_level_str, std::string& out) {
  if (out.size() > kReprLimit) return;
  switch (v.type()) {
    case Json::value_t::null:
      out += "None";
      return;
    case Json::value_t::boolean:
      out += v.get<bool>() ? "True" : "False";
      return;
    case Json::value_t::number_integer:
      out += std::to_string(v.get<int64_t>());
      return;
    case Json::value_t::number_unsigned: {
      uint64_t u = v.get<uint64_t>();
      out += std::to_string(u);
      if (!top_level_str && u > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
        out += 'L';  // a Python 2 long
      }
      return;
    }
    case Json::value_t::number_float:
      out += PyFloatRepr(v.get<double>());
      return;
    case Json::value_t::string: {
      const auto& s = v.get_ref<const std::string&>();
      std::string_view sv(s);
      if (sv.size() > kReprLimit) sv = sv.substr(0, kReprLimit);
      out += top_level_str ? std::string(sv) : felix::PyRepr(sv);
      return;
    }
    case Json::value_t::array: {
      out += '[';
      bool first = true;
      for (const auto& e : v) {
        if (!first) out += ", ";
        first = false;
        AppendRepr(e, false, out);
        if (out.size() > kReprLimit) break;
      }
      out += ']';
      return;
    }
    case Json::value_t::object: {
      out += '{';
      bool first = true;
      for (const auto& [k, e] : v.items()) {
        if (!first) out += ", ";
        first = false;
        out += felix::PyRepr(k);
        out += ": ";
        AppendRepr(e, false, out);
        if (out.size() > kReprLimit) break;
      }
      out += '}';
      return;
    }
    default:
      out += "None";  // binary/discarded: not produced by our parser
      return;
  }
}

std::string Capped(std::string s) {
  if (s.size() > kReprLimit) {
    s.resize(kReprLimit);
    s += "...";
  }
  return s;
}

}  // namespace

std::optional<Json> ParseJson(std::string_view raw, int max_depth) {
  if (!DepthWithin(raw, max_depth)) return std::nullopt;
  try {
    Json j = ParseOrDiscard(raw);
    if (j.is_discarded()) j = ParseOrDiscard(WithoutTrailingCommas(raw));
    if (j.is_discarded()) return std::nullopt;
    return j;
  } catch (...) {  // allocation failures and the like: treat as undecodable
    return std::nullopt;
  }
}

std::string PyRepr(const Json& v) {
  std::string out;
  AppendRepr(v, false, out);
  return Capped(std::move(out));
}

std::string PyStr(const Json& v) {
  std::string out;
  AppendRepr(v, true, out);
  return Capped(std::move(out));
}

std::string PyFloatRepr(double d) {
  if (std::isnan(d)) return "nan";
  if (std::isinf(d)) return d > 0 ? "inf" : "-inf";
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof(buf), d, std::chars_format::scientific);
  std::string sci(buf, res.ptr);  // e.g. "-1.2345e+02"
  std::string sign;
  if (!sci.empty() && sci[0] == '-') {
    sign = "-";
    sci.erase(0, 1);
  }
  size_t e = sci.find('e');
  std::string mant = sci.substr(0, e);
  int exp = std::stoi(sci.substr(e + 1));
  std::string digits;
  for (char c : mant) {
    if (c != '.') digits += c;
  }
  if (exp >= -4 && exp < 16) {
    std::string out;
    if (exp >= 0) {
      std::string int_part = digits.substr(0, std::min<size_t>(digits.size(), exp + 1));
      while (static_cast<int>(int_part.size()) < exp + 1) int_part += '0';
      std::string frac = digits.size() > static_cast<size_t>(exp) + 1
                             ? digits.substr(static_cast<size_t>(exp) + 1)
                             : "0";
      out = int_part + "." + frac;
    } else {
      out = "0." + std::string(-exp - 1, '0') + digits;
    }
    return sign + out;
  }
  std::string out = digits.substr(0, 1);
  if (digits.size() > 1) out += "." + digits.substr(1);
  out += exp < 0 ? "e-" : "e+";
  int a = exp < 0 ? -exp : exp;
  if (a < 10) out += '0';
  out += std::to_string(a);
  return sign + out;
}

bool IsPyInt(const Json& v) {
  return v.is_boolean() || (v.is_number_integer() && !v.is_number_unsigned()) ||
         (v.is_number_unsigned() &&
          v.get<uint64_t>() <= static_cast<uint64_t>(std::numeric_limits<int64_t>::max()));
}

long long PyIntValue(const Json& v) {
  if (v.is_boolean()) return v.get<bool>() ? 1 : 0;
  if (v.is_number_unsigned()) return static_cast<long long>(v.get<uint64_t>());
  return v.get<int64_t>();
}

bool IsPyNumber(const Json& v) { return v.is_number() || v.is_boolean(); }

double PyNumberValue(const Json& v) {
  if (v.is_boolean()) return v.get<bool>() ? 1.0 : 0.0;
  if (v.is_number_unsigned()) return static_cast<double>(v.get<uint64_t>());
  if (v.is_number_integer()) return static_cast<double>(v.get<int64_t>());
  return v.get<double>();
}

bool PyEqualsInt(const Json& v, long long n) {
  if (v.is_boolean()) return (v.get<bool>() ? 1 : 0) == n;
  if (v.is_number_unsigned()) return n >= 0 && v.get<uint64_t>() == static_cast<uint64_t>(n);
  if (v.is_number_integer()) return v.get<int64_t>() == n;
  if (v.is_number_float()) return v.get<double>() == static_cast<double>(n);
  return false;
}

bool PyTruthy(const Json& v) {
  switch (v.type()) {
    case Json::value_t::null:
      return false;
    case Json::value_t::boolean:
      return v.get<bool>();
    case Json::value_t::number_integer:
    case Json::value_t::number_unsigned:
    case Json::value_t::number_float:
      return PyNumberValue(v) != 0.0;
    case Json::value_t::string:
      return !v.get_ref<const std::string&>().empty();
    case Json::value_t::array:
    case Json::value_t::object:
      return !v.empty();
    default:
      return false;
  }
}

}  // namespace felix::model::internal
