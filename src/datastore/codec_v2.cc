// Parsing of etcd v2 `/v2/keys` replies: snapshots, single values, write
// replies and long-poll watch events (actions set/create/update/
// compareAndSwap are sets; delete/compareAndDelete/expire are deletes).
#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "datastore/codec.h"

namespace felix::datastore {
namespace {

using nlohmann::json;

std::string StrField(const json& j, const char* name) {
  auto it = j.find(name);
  return (it != j.end() && it->is_string()) ? it->get<std::string>() : std::string();
}

int64_t IntField(const json& j, const char* name) {
  auto it = j.find(name);
  return (it != j.end() && it->is_number_integer()) ? it->get<int64_t>() : 0;
}

// `{"errorCode":N,...}` → "etcd error N: message (cause)".
std::string ErrorText(const json& j) {
  std::string cause = StrField(j, "cause");
  return fmt::format("etcd error {}: {}{}", IntField(j, "errorCode"), StrField(j, "message"),
                     cause.empty() ? "" : " (" + cause + ")");
}

Result<json> ParseObject(long status, std::string_view body) {
  json j = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) {
    return Status::Unavailable(
        fmt::format("bad reply from etcd (HTTP {}): {}", status, body.substr(0, 200)));
  }
  return j;
}

void CollectLeaves(const json& node, std::vector<KeyValue>& out) {
  if (!node.is_object()) return;
  if (node.value("dir", false)) {
    auto it = node.find("nodes");
    if (it == node.end() || !it->is_array()) return;
    for (const json& child : *it) CollectLeaves(child, out);
    return;
  }
  out.push_back({StrField(node, "key"), StrField(node, "value")});
}

}  // namespace

Result<Snapshot> ParseV2Snapshot(long status, std::string_view body, std::string_view etcd_index) {
  auto j = ParseObject(status, body);
  if (!j.ok()) return j.status();
  Snapshot snap;
  int64_t index = 0;
  if (etcd_index.empty() || etcd_index.find_first_not_of("0123456789") != std::string_view::npos ||
      etcd_index.size() > 18) {
    return Status::Unavailable(
        fmt::format("etcd reply without a valid X-Etcd-Index header: '{}'", etcd_index));
  }
  index = std::stoll(std::string(etcd_index));
  snap.index = index;
  if (IntField(*j, "errorCode") == 100) return snap;  // directory does not exist yet
  if (j->contains("errorCode")) return Status::Unavailable(ErrorText(*j));
  auto node = j->find("node");
  if (status != 200 || node == j->end()) {
    return Status::Unavailable(fmt::format("unexpected etcd reply (HTTP {})", status));
  }
  CollectLeaves(*node, snap.kvs);
  return snap;
}

Result<std::string> ParseV2Value(long status, std::string_view body) {
  auto j = ParseObject(status, body);
  if (!j.ok()) return j.status();
  if (IntField(*j, "errorCode") == 100) return Status::NotFound(ErrorText(*j));
  if (j->contains("errorCode")) return Status::Unavailable(ErrorText(*j));
  auto node = j->find("node");
  if (node == j->end() || !node->is_object()) {
    return Status::Unavailable(fmt::format("unexpected etcd reply (HTTP {})", status));
  }
  if (node->value("dir", false)) {
    return Status::InvalidArgument(fmt::format("{} is a directory", StrField(*node, "key")));
  }
  return StrField(*node, "value");
}

Status ParseV2Write(long status, std::string_view body) {
  auto j = ParseObject(status, body);
  if (!j.ok()) return j.status();
  if (IntField(*j, "errorCode") == 100) return Status::NotFound(ErrorText(*j));
  if (j->contains("errorCode")) return Status::Unavailable(ErrorText(*j));
  if (status < 200 || status >= 300) {
    return Status::Unavailable(fmt::format("unexpected etcd reply (HTTP {})", status));
  }
  return Status::Ok();
}

Result<V2WatchReply> ParseV2WatchReply(long status, std::string_view body) {
  V2WatchReply reply;
  if (body.find_first_not_of(" \r\n\t") == std::string_view::npos) return reply;
  auto j = ParseObject(status, body);
  if (!j.ok()) return j.status();
  if (IntField(*j, "errorCode") == 401) {
    reply.history_gone = true;
    reply.detail = ErrorText(*j);
    return reply;
  }
  if (j->contains("errorCode")) return Status::Unavailable(ErrorText(*j));
  std::string action = StrField(*j, "action");
  auto node = j->find("node");
  if (node == j->end() || !node->is_object()) {
    return Status::Unavailable(fmt::format("etcd watch reply without node (HTTP {})", status));
  }
  WatchEvent ev;
  ev.key = StrField(*node, "key");
  ev.dir = node->value("dir", false);
  ev.index = IntField(*node, "modifiedIndex");
  if (action == "set" || action == "create" || action == "update" || action == "compareAndSwap") {
    ev.value = StrField(*node, "value");
  } else if (action != "delete" && action != "compareAndDelete" && action != "expire") {
    return Status::Unavailable(fmt::format("unknown etcd action '{}'", action));
  }
  reply.event = std::move(ev);
  return reply;
}

}  // namespace felix::datastore
