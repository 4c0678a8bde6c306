// libFuzzer target for what etcd (or anything pretending to be etcd) sends
// back: every v2 and v3 reply parser, the streamed v2 snapshot included. The
// first byte picks the HTTP status; the rest is the body. Nothing may crash,
// hang or allocate without bound.
#include <cstddef>
#include <cstdint>
#include <string>

#include "datastore/codec.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  static const long kStatuses[] = {200, 201, 400, 401, 403, 404, 500, 0};
  const long status = kStatuses[data[0] % 8];
  const std::string body(reinterpret_cast<const char*>(data) + 1, size - 1);
  namespace ds = felix::datastore;
  (void)ds::ParseV2Snapshot(status, body, "7");
  (void)ds::ParseV2Snapshot(status, body, body.substr(0, 20));
  (void)ds::ParseV2Value(status, body);
  (void)ds::ParseV2Write(status, body);
  (void)ds::ParseV2Node(status, body);
  (void)ds::ParseV2WatchReply(status, body);
  bool more = false;
  (void)ds::ParseV3Range(status, body, &more);
  (void)ds::ParseV3Write(status, body);
  (void)ds::ParseV3WatchMessage(body);
  (void)ds::ParseV3AuthToken(status, body);
  (void)ds::IsV3AuthTokenError(status, body);
  (void)ds::Base64Decode(body);
  return 0;
}
