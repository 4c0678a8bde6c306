// Private to the datastore layer: pure parsing of etcd v2 and v3 (JSON
// gateway) responses, and the request bodies the v3 client sends. No I/O, so
// the unit tests cover every response shape without a network.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "datastore/datastore.h"

namespace felix::datastore {

// ---- v2 (/v2/keys)

// A recursive GET of a directory. `etcd_index` is the X-Etcd-Index header. A
// 404 errorCode 100 (no such directory) is an empty snapshot.
Result<Snapshot> ParseV2Snapshot(long status, std::string_view body, std::string_view etcd_index);
// A GET of one key: its value, NotFound for errorCode 100.
Result<std::string> ParseV2Value(long status, std::string_view body);
// A PUT/DELETE reply: Ok on 2xx, NotFound for errorCode 100, else the error.
Status ParseV2Write(long status, std::string_view body);
// A GET or PUT/DELETE reply's node: its value and modifiedIndex (for the
// compare-and-swap of SetAll). NotFound for errorCode 100; a failed compare
// (errorCode 101) is Unavailable with etcd's text.
struct V2Node {
  std::string value;
  int64_t modified_index = 0;
};
Result<V2Node> ParseV2Node(long status, std::string_view body);

// One long-poll reply (`wait=true`): an event, a gap (errorCode 401) or an
// error. An empty body (server-side timeout) gives neither.
struct V2WatchReply {
  std::optional<WatchEvent> event;
  bool history_gone = false;
  std::string detail;  // message for a gap
};
Result<V2WatchReply> ParseV2WatchReply(long status, std::string_view body);

// ---- v3 (JSON gateway, /v3/...)

std::string Base64Encode(std::string_view in);
std::optional<std::string> Base64Decode(std::string_view in);
// The range_end covering every key that starts with `prefix`.
std::string PrefixRangeEnd(std::string_view prefix);

// Bodies for /v3/kv/range (range_end empty = single key), /v3/kv/put,
// /v3/kv/deleterange and /v3/watch.
std::string V3RangeBody(std::string_view key, std::string_view range_end);
// One page of a prefix read: at most `limit` keys, at `revision` (0 = latest).
std::string V3RangePageBody(std::string_view key, std::string_view range_end, int64_t limit,
                            int64_t revision);
// `lease` (0 = none): the key goes when the lease expires.
std::string V3PutBody(std::string_view key, std::string_view value, int64_t lease = 0);
// /v3/lease/grant: the request for a `ttl`-second lease, and its ID.
std::string V3LeaseGrantBody(int64_t ttl);
Result<int64_t> ParseV3LeaseId(long status, std::string_view body);
// /v3/auth/authenticate: the request, and the token from its reply.
std::string V3AuthBody(std::string_view name, std::string_view password);
Result<std::string> ParseV3AuthToken(long status, std::string_view body);
// True when etcd refused a request for its auth token (expired or revoked):
// authenticating again may help.
bool IsV3AuthTokenError(long status, std::string_view body);
// One /v3/kv/txn with no compare and a put per key-value: applied whole.
std::string V3TxnPutBody(const std::vector<KeyValue>& kvs);
std::string V3WatchBody(std::string_view key, std::string_view range_end, int64_t start_revision);

// A /v3/kv/range reply: header.revision and the key-values.
// `*more` (if given) is set when the reply holds only part of the range.
Result<Snapshot> ParseV3Range(long status, std::string_view body, bool* more = nullptr);
// A /v3/kv/put or deleterange reply; for deleterange, the "deleted" count.
Result<int64_t> ParseV3Write(long status, std::string_view body);

// One message of the /v3/watch stream.
struct V3WatchMessage {
  std::vector<WatchEvent> events;
  bool created = false;
  bool canceled = false;
  int64_t compact_revision = 0;  // > 0: history gone
  std::string cancel_reason;
};
Result<V3WatchMessage> ParseV3WatchMessage(std::string_view json);

}  // namespace felix::datastore
