// Private to the datastore layer: the HTTP seam under the etcd clients. The
// real transport (curl_transport.cc) speaks libcurl in process and fails over
// between endpoints; unit tests use a scripted fake.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "datastore/datastore.h"

namespace felix::datastore {

struct HttpRequest {
  std::string method = "GET";  // GET, PUT, POST, DELETE
  std::string target;          // path and query, e.g. "/v2/keys/a?recursive=true"
  std::string body;
  std::string content_type;   // empty = none
  std::string authorization;  // an Authorization header's value (v3 token); empty = none
  // Long-poll / stream: ended by `cancel`, the server, or `idle_timeout`
  // of silence after the response headers (then HttpResponse::idle).
  // Every request, long poll or not, fails over to the next endpoint when
  // no byte (header or body) arrives for EtcdSettings::request_timeout
  // before the headers, or at any point of a plain request: a low-speed
  // limit, not a total time, so a large snapshot may take as long as it
  // keeps moving while a frozen proxy is given up on.
  bool long_poll = false;
  std::chrono::milliseconds idle_timeout{0};  // 0 = no limit
  const std::atomic<bool>* cancel = nullptr;
  // When set, body bytes are handed over as they arrive (and not kept);
  // returning false aborts the transfer (not an error).
  std::function<bool(std::string_view)> on_data;
};

// A plain request (no streaming, normal timeout).
inline HttpRequest MakeRequest(std::string method, std::string target, std::string body = {},
                               std::string content_type = {}) {
  HttpRequest r;
  r.method = std::move(method);
  r.target = std::move(target);
  r.body = std::move(body);
  r.content_type = std::move(content_type);
  return r;
}

struct HttpResponse {
  long status = 0;
  std::string body;
  std::map<std::string, std::string> headers;  // names lower-cased
  bool idle = false;  // a long poll ended by its idle_timeout (not an error)
};

class HttpTransport {
 public:
  virtual ~HttpTransport() = default;
  // Unavailable when no endpoint could be reached or the transfer broke; a
  // cancelled or on_data-aborted transfer returns what was received.
  virtual Result<HttpResponse> Do(const HttpRequest& request) = 0;
};

std::unique_ptr<HttpTransport> MakeCurlTransport(const EtcdSettings& settings);

// Which endpoint to use next: starts at the first, moves to the next (wrapping)
// after a connection failure. Pure; used by the curl transport.
class EndpointRing {
 public:
  explicit EndpointRing(std::vector<std::string> endpoints) : endpoints_(std::move(endpoints)) {}
  const std::string& Current() const { return endpoints_[current_]; }
  void Fail() { current_ = (current_ + 1) % endpoints_.size(); }
  size_t size() const { return endpoints_.size(); }

 private:
  std::vector<std::string> endpoints_;  // never empty
  size_t current_ = 0;
};

// Percent-encodes a key for a URL path ('/' and unreserved bytes kept).
std::string EscapeKeyPath(std::string_view key);
// application/x-www-form-urlencoded value.
std::string FormEscape(std::string_view value);

// `idle_timeout`: EtcdSettings::watch_idle_timeout (0 = watches never idle).
std::unique_ptr<EtcdClient> MakeEtcdV2Client(std::unique_ptr<HttpTransport> http,
                                             std::chrono::milliseconds idle_timeout = {});
std::unique_ptr<EtcdClient> MakeEtcdV3Client(std::unique_ptr<HttpTransport> http,
                                             std::chrono::milliseconds idle_timeout = {},
                                             std::string username = {}, std::string password = {});

}  // namespace felix::datastore
