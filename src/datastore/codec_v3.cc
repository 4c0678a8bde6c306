// The etcd v3 JSON gateway's wire format: base64 keys and values, int64s as
// strings, one JSON object per watch-stream message (wrapped in "result").
#include <fmt/format.h>

#include <charconv>

#include <nlohmann/json.hpp>

#include "datastore/codec.h"

namespace felix::datastore {
namespace {

using nlohmann::json;

constexpr char kB64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

// int64 fields come as strings ("12"); accept numbers too.
int64_t Int64Field(const json& j, const char* name) {
  auto it = j.find(name);
  if (it == j.end()) return 0;
  if (it->is_number_integer()) return it->get<int64_t>();
  if (!it->is_string()) return 0;
  const std::string& s = it->get_ref<const std::string&>();
  int64_t v = 0;
  // Lease IDs use all 63 bits (19 digits); anything else, overflow included, is 0.
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || s.empty() || s[0] == '-') return 0;
  return v;
}

std::string StrField(const json& j, const char* name) {
  auto it = j.find(name);
  return (it != j.end() && it->is_string()) ? it->get<std::string>() : std::string();
}

Result<json> ParseObject(long status, std::string_view body) {
  json j = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) {
    return Status::Unavailable(
        fmt::format("bad reply from etcd (HTTP {}): {}", status, body.substr(0, 200)));
  }
  if (auto e = j.find("error"); e != j.end()) {
    std::string msg = e->is_object()   ? StrField(*e, "message")
                      : e->is_string() ? e->get<std::string>()
                                       : std::string("unknown");
    return Status::Unavailable(fmt::format("etcd error (HTTP {}): {}", status, msg));
  }
  if (status != 0 && status != 200) {
    return Status::Unavailable(fmt::format("unexpected etcd reply (HTTP {})", status));
  }
  return j;
}

// A "kv" object → key and value, or an error for bad base64.
Result<KeyValue> DecodeKv(const json& kv) {
  auto key = Base64Decode(StrField(kv, "key"));
  auto value = Base64Decode(StrField(kv, "value"));
  if (!key || !value) return Status::Unavailable("etcd reply with invalid base64");
  return KeyValue{std::move(*key), std::move(*value)};
}

}  // namespace

std::string Base64Encode(std::string_view in) {
  std::string out;
  uint32_t acc = 0;
  int bits = 0;
  for (unsigned char c : in) {
    acc = (acc << 8) | c;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out.push_back(kB64[(acc >> bits) & 0x3f]);
    }
  }
  if (bits > 0) out.push_back(kB64[(acc << (6 - bits)) & 0x3f]);
  while (out.size() % 4 != 0) out.push_back('=');
  return out;
}

std::optional<std::string> Base64Decode(std::string_view in) {
  std::string out;
  uint32_t acc = 0;
  int bits = 0;
  size_t pad = 0;
  for (char c : in) {
    if (c == '=') {
      ++pad;
      continue;
    }
    if (pad > 0) return std::nullopt;  // data after padding
    const char* p = std::char_traits<char>::find(kB64, 64, c);
    if (p == nullptr) return std::nullopt;
    acc = (acc << 6) | static_cast<uint32_t>(p - kB64);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xff));
    }
  }
  if (pad > 2 || (pad > 0 && (in.size() % 4) != 0)) return std::nullopt;
  return out;
}

std::string PrefixRangeEnd(std::string_view prefix) {
  std::string end(prefix);
  while (!end.empty()) {
    unsigned char last = static_cast<unsigned char>(end.back());
    if (last < 0xff) {
      end.back() = static_cast<char>(last + 1);
      return end;
    }
    end.pop_back();
  }
  return std::string(1, '\0');  // every key
}

std::string V3RangeBody(std::string_view key, std::string_view range_end) {
  json j = {{"key", Base64Encode(key)}};
  if (!range_end.empty()) j["range_end"] = Base64Encode(range_end);
  return j.dump();
}

std::string V3PutBody(std::string_view key, std::string_view value, int64_t lease) {
  json put = {{"key", Base64Encode(key)}, {"value", Base64Encode(value)}};
  if (lease != 0) put["lease"] = std::to_string(lease);
  return put.dump();
}

std::string V3LeaseGrantBody(int64_t ttl) { return json{{"TTL", std::to_string(ttl)}}.dump(); }

Result<int64_t> ParseV3LeaseId(long status, std::string_view body) {
  auto j = ParseObject(status, body);
  if (!j.ok()) return j.status();
  const int64_t id = Int64Field(*j, "ID");
  if (id == 0) return Status::Unavailable("etcd lease grant reply without an ID");
  return id;
}

std::string V3AuthBody(std::string_view name, std::string_view password) {
  return json{{"name", name}, {"password", password}}.dump();
}

Result<std::string> ParseV3AuthToken(long status, std::string_view body) {
  auto j = ParseObject(status, body);
  if (!j.ok()) return j.status();
  std::string token = StrField(*j, "token");
  if (token.empty()) return Status::Unavailable("etcd authentication reply without a token");
  return token;
}

bool IsV3AuthTokenError(long status, std::string_view body) {
  return status == 401 || body.find("invalid auth token") != std::string_view::npos ||
         body.find("auth token is not provided") != std::string_view::npos;
}

std::string V3TxnPutBody(const std::vector<KeyValue>& kvs) {
  json ops = json::array();
  for (const KeyValue& kv : kvs) {
    ops.push_back(
        {{"request_put", {{"key", Base64Encode(kv.key)}, {"value", Base64Encode(kv.value)}}}});
  }
  return json{{"success", ops}}.dump();
}

std::string V3WatchBody(std::string_view key, std::string_view range_end, int64_t start_revision) {
  json req = {{"key", Base64Encode(key)},
              {"range_end", Base64Encode(range_end)},
              {"start_revision", std::to_string(start_revision)}};
  return json{{"create_request", req}}.dump();
}

std::string V3RangePageBody(std::string_view key, std::string_view range_end, int64_t limit,
                            int64_t revision) {
  json j = {{"key", Base64Encode(key)},
            {"range_end", Base64Encode(range_end)},
            {"limit", std::to_string(limit)}};
  if (revision > 0) j["revision"] = std::to_string(revision);
  return j.dump();
}

Result<Snapshot> ParseV3Range(long status, std::string_view body, bool* more) {
  auto j = ParseObject(status, body);
  if (!j.ok()) return j.status();
  Snapshot snap;
  auto header = j->find("header");
  if (header == j->end() || !header->is_object() || Int64Field(*header, "revision") <= 0) {
    return Status::Unavailable("etcd range reply without a header revision");
  }
  snap.index = Int64Field(*header, "revision");
  if (more != nullptr) *more = j->value("more", false);
  if (auto kvs = j->find("kvs"); kvs != j->end() && kvs->is_array()) {
    for (const json& kv : *kvs) {
      auto decoded = DecodeKv(kv);
      if (!decoded.ok()) return decoded.status();
      snap.kvs.push_back(std::move(*decoded));
    }
  }
  return snap;
}

Result<int64_t> ParseV3Write(long status, std::string_view body) {
  auto j = ParseObject(status, body);
  if (!j.ok()) return j.status();
  return Int64Field(*j, "deleted");
}

Result<V3WatchMessage> ParseV3WatchMessage(std::string_view text) {
  auto j = ParseObject(0, text);
  if (!j.ok()) return j.status();
  auto result = j->find("result");
  if (result == j->end() || !result->is_object()) {
    return Status::Unavailable(
        fmt::format("etcd watch message without result: {}", text.substr(0, 200)));
  }
  V3WatchMessage msg;
  msg.created = result->value("created", false);
  msg.canceled = result->value("canceled", false);
  msg.compact_revision = Int64Field(*result, "compact_revision");
  msg.cancel_reason = StrField(*result, "cancel_reason");
  if (auto events = result->find("events"); events != result->end() && events->is_array()) {
    for (const json& e : *events) {
      auto kv = e.find("kv");
      if (kv == e.end() || !kv->is_object()) continue;
      auto decoded = DecodeKv(*kv);
      if (!decoded.ok()) return decoded.status();
      WatchEvent ev;
      ev.key = std::move(decoded->key);
      ev.index = Int64Field(*kv, "mod_revision");
      if (StrField(e, "type") != "DELETE") ev.value = std::move(decoded->value);
      msg.events.push_back(std::move(ev));
    }
  }
  return msg;
}

}  // namespace felix::datastore
