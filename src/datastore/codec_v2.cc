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

// A recursive GET's reply parsed as it is read (SAX), straight into the
// leaves' keys and values: at Felix's scale the reply is tens of MB, and a
// document tree of it would be several times that. Node objects are the
// top-level "node" and the members of their "nodes" arrays; a node that is
// not `"dir": true` is a leaf. The top level's error fields are kept.
class V2SnapshotSax : public nlohmann::json_sax<json> {
 public:
  std::vector<KeyValue> leaves;
  std::optional<int64_t> error_code;  // when an integer
  bool has_error_code = false;
  std::string message, cause;
  bool has_node = false;
  bool top_is_object = false;

  bool null() override { return Scalar(); }
  bool boolean(bool v) override {
    if (Field() == "dir" && InNode()) frames_.back().dir = v;
    return Scalar();
  }
  bool number_integer(number_integer_t v) override {
    if (Field() == "errorCode" && AtTop()) error_code = v;
    return Scalar();
  }
  bool number_unsigned(number_unsigned_t v) override {
    if (Field() == "errorCode" && AtTop() && v <= INT64_MAX) error_code = static_cast<int64_t>(v);
    return Scalar();
  }
  bool number_float(number_float_t, const string_t&) override { return Scalar(); }
  bool string(string_t& v) override {
    const std::string& f = Field();
    if (InNode() && f == "key") {
      frames_.back().key = std::move(v);
    } else if (InNode() && f == "value") {
      frames_.back().value = std::move(v);
    } else if (AtTop() && f == "message") {
      message = std::move(v);
    } else if (AtTop() && f == "cause") {
      cause = std::move(v);
    }
    return Scalar();
  }
  bool binary(binary_t&) override { return Scalar(); }
  bool start_object(std::size_t) override {
    Kind kind = Kind::kOther;
    if (frames_.empty()) {
      kind = Kind::kTop;
      top_is_object = true;
    } else if (frames_.back().kind == Kind::kTop && Field() == "node") {
      kind = Kind::kNode;
      has_node = true;
    } else if (frames_.back().kind == Kind::kNodes) {
      kind = Kind::kNode;
    }
    frames_.emplace_back(kind);
    return true;
  }
  bool key(string_t& k) override {
    if (AtTop() && k == "errorCode") has_error_code = true;
    frames_.back().field = std::move(k);
    return true;
  }
  bool end_object() override {
    Frame f = std::move(frames_.back());
    frames_.pop_back();
    if (f.kind == Kind::kNode && !f.dir) leaves.push_back({std::move(f.key), std::move(f.value)});
    return Scalar();
  }
  bool start_array(std::size_t) override {
    const bool nodes = InNode() && Field() == "nodes";
    frames_.emplace_back(nodes ? Kind::kNodes : Kind::kOther);
    return true;
  }
  bool end_array() override {
    frames_.pop_back();
    return Scalar();
  }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) override {
    return false;
  }

 private:
  enum class Kind { kTop, kNode, kNodes, kOther };
  struct Frame {
    explicit Frame(Kind k) : kind(k) {}
    Kind kind;
    std::string field;  // the member being read (objects)
    std::string key, value;
    bool dir = false;
  };
  // A value ended: the object's current member is done.
  bool Scalar() {
    if (!frames_.empty()) frames_.back().field.clear();
    return true;
  }
  const std::string& Field() const {
    static const std::string kNone;
    return frames_.empty() ? kNone : frames_.back().field;
  }
  bool InNode() const { return !frames_.empty() && frames_.back().kind == Kind::kNode; }
  bool AtTop() const { return !frames_.empty() && frames_.back().kind == Kind::kTop; }

  std::vector<Frame> frames_;
};

}  // namespace

Result<Snapshot> ParseV2Snapshot(long status, std::string_view body, std::string_view etcd_index) {
  V2SnapshotSax sax;
  if (!json::sax_parse(body, &sax) || !sax.top_is_object) {
    return Status::Unavailable(
        fmt::format("bad reply from etcd (HTTP {}): {}", status, body.substr(0, 200)));
  }
  Snapshot snap;
  int64_t index = 0;
  if (etcd_index.empty() || etcd_index.find_first_not_of("0123456789") != std::string_view::npos ||
      etcd_index.size() > 18) {
    return Status::Unavailable(
        fmt::format("etcd reply without a valid X-Etcd-Index header: '{}'", etcd_index));
  }
  index = std::stoll(std::string(etcd_index));
  snap.index = index;
  if (sax.error_code == 100) return snap;  // directory does not exist yet
  if (sax.has_error_code) {
    return Status::Unavailable(fmt::format("etcd error {}: {}{}", sax.error_code.value_or(0),
                                           sax.message,
                                           sax.cause.empty() ? "" : " (" + sax.cause + ")"));
  }
  if (status != 200 || !sax.has_node) {
    return Status::Unavailable(fmt::format("unexpected etcd reply (HTTP {})", status));
  }
  snap.kvs = std::move(sax.leaves);
  return snap;
}

namespace {

// The "node" object of a one-key reply; NotFound for errorCode 100.
Result<json> NodeOf(long status, std::string_view body) {
  auto j = ParseObject(status, body);
  if (!j.ok()) return j.status();
  if (IntField(*j, "errorCode") == 100) return Status::NotFound(ErrorText(*j));
  if (j->contains("errorCode")) return Status::Unavailable(ErrorText(*j));
  auto node = j->find("node");
  if (node == j->end() || !node->is_object()) {
    return Status::Unavailable(fmt::format("unexpected etcd reply (HTTP {})", status));
  }
  return std::move(*node);
}

}  // namespace

Result<std::string> ParseV2Value(long status, std::string_view body) {
  auto node = NodeOf(status, body);
  if (!node.ok()) return node.status();
  if (node->value("dir", false)) {
    return Status::InvalidArgument(fmt::format("{} is a directory", StrField(*node, "key")));
  }
  return StrField(*node, "value");
}

Result<V2Node> ParseV2Node(long status, std::string_view body) {
  auto node = NodeOf(status, body);
  if (!node.ok()) return node.status();
  return V2Node{StrField(*node, "value"), IntField(*node, "modifiedIndex")};
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
