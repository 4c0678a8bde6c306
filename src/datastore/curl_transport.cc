// The one real HttpTransport: libcurl easy handles, in process. Fails over to
// the next endpoint on connection errors and on silence; long polls are
// cancelled, and silent transfers ended, through curl's transfer-progress
// callback, which libcurl calls at least once a second even while the
// connection is idle.
#include <curl/curl.h>

#include <cctype>
#include <mutex>

#include <fmt/format.h>

#include "base/clock.h"
#include "base/strings.h"
#include "datastore/http.h"

namespace felix::datastore {
namespace {

void GlobalInitOnce() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

// Errors where nothing reached etcd, so another endpoint may do better.
bool IsConnectError(CURLcode rc) {
  switch (rc) {
    case CURLE_COULDNT_CONNECT:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_GOT_NOTHING:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
      return true;
    default:
      return false;
  }
}

// The words for a failed transfer: curl's error buffer, except that curl
// 7.88 fills it with a harmless "getpeername() failed" note when the peer
// resets the connection right after the TLS handshake, hiding the real error.
// An https failure after the handshake with no client certificate configured
// is almost always etcd's --client-cert-auth rejecting us, so say so.
std::string DescribeFailure(CURLcode rc, const char* errbuf, const std::string& endpoint,
                            const EtcdSettings& settings) {
  std::string what = errbuf[0] != 0 ? std::string(errbuf) : curl_easy_strerror(rc);
  if (what.starts_with("getpeername() failed")) what = curl_easy_strerror(rc);
  bool after_handshake = rc == CURLE_RECV_ERROR || rc == CURLE_SEND_ERROR ||
                         rc == CURLE_GOT_NOTHING || rc == CURLE_SSL_CONNECT_ERROR;
  if (after_handshake && settings.cert_file.empty() && endpoint.starts_with("https://")) {
    what +=
        "; no client certificate is configured (EtcdCertFile/EtcdKeyFile), which etcd "
        "rejects when it requires client certificates";
  }
  return what;
}

struct Transfer {
  const HttpRequest* request = nullptr;
  std::chrono::milliseconds stall_timeout{0};
  HttpResponse response;
  bool got_data = false;
  bool got_headers = false;
  bool consumer_stopped = false;
  bool stalled = false;  // no byte for stall_timeout: the endpoint is not answering
  bool idle = false;     // a long poll silent for its idle_timeout after the headers
  Clock::time_point last_activity = RealClock().Now();
  curl_off_t last_dlnow = 0;
};

size_t OnWrite(char* ptr, size_t size, size_t nmemb, void* user) {
  auto* t = static_cast<Transfer*>(user);
  size_t n = size * nmemb;
  t->got_data = true;
  t->last_activity = RealClock().Now();
  if (t->request->on_data) {
    if (!t->request->on_data(std::string_view(ptr, n))) {
      t->consumer_stopped = true;
      return 0;  // aborts the transfer
    }
  } else {
    t->response.body.append(ptr, n);
  }
  return n;
}

size_t OnHeader(char* ptr, size_t size, size_t nmemb, void* user) {
  auto* t = static_cast<Transfer*>(user);
  std::string_view line(ptr, size * nmemb);
  t->last_activity = RealClock().Now();
  if (line.starts_with("HTTP/")) t->response.headers.clear();  // a new response
  if (line == "\r\n" || line == "\n") t->got_headers = true;
  size_t colon = line.find(':');
  if (colon != std::string_view::npos) {
    t->response.headers[ToLower(Trim(line.substr(0, colon)))] =
        std::string(Trim(line.substr(colon + 1)));
  }
  return size * nmemb;
}

// Called at least once a second: cancellation, and the silence limits (a
// frozen proxy or etcd member keeps the TCP connection open and says
// nothing; only a limit on silence notices it).
int OnProgress(void* user, curl_off_t, curl_off_t dlnow, curl_off_t, curl_off_t) {
  auto* t = static_cast<Transfer*>(user);
  if (t->request->cancel != nullptr && t->request->cancel->load()) return 1;
  const auto now = RealClock().Now();
  if (dlnow != t->last_dlnow) {
    t->last_dlnow = dlnow;
    t->last_activity = now;
  }
  const auto silent = now - t->last_activity;
  if (t->request->long_poll && t->got_headers) {
    if (t->request->idle_timeout.count() > 0 && silent >= t->request->idle_timeout) {
      t->idle = true;
      return 1;
    }
    return 0;
  }
  if (t->stall_timeout.count() > 0 && silent >= t->stall_timeout) {
    t->stalled = true;
    return 1;
  }
  return 0;
}

class CurlTransport : public HttpTransport {
 public:
  explicit CurlTransport(const EtcdSettings& s)
      : settings_(s),
        ring_(s.endpoints.empty() ? std::vector<std::string>{"http://127.0.0.1:2379"}
                                  : s.endpoints) {
    GlobalInitOnce();
    curl_ = curl_easy_init();
  }
  ~CurlTransport() override { curl_easy_cleanup(curl_); }

  Result<HttpResponse> Do(const HttpRequest& request) override {
    std::string errors;
    for (size_t attempt = 0; attempt < ring_.size(); ++attempt) {
      std::string endpoint = ring_.Current();
      Transfer t;
      t.request = &request;
      t.stall_timeout = settings_.request_timeout;
      char errbuf[CURL_ERROR_SIZE] = {0};
      CURLcode rc = Perform(endpoint, request, t, errbuf);
      if (rc == CURLE_OK || t.consumer_stopped || t.idle ||
          (rc == CURLE_ABORTED_BY_CALLBACK && request.cancel != nullptr &&
           request.cancel->load())) {
        long code = 0;
        curl_easy_getinfo(curl_, CURLINFO_RESPONSE_CODE, &code);
        t.response.status = code;
        t.response.idle = t.idle;
        return std::move(t.response);
      }
      std::string what = t.stalled
                             ? fmt::format("no data for {} ms", settings_.request_timeout.count())
                             : DescribeFailure(rc, errbuf, endpoint, settings_);
      if (!errors.empty()) errors += "; ";
      errors += fmt::format("{} ({})", endpoint, what);
      ring_.Fail();  // the next call starts at the next endpoint either way
      // Nothing reached us: the next endpoint may do better. A partial
      // answer is not retried here (a write may have been applied); the
      // caller's next request goes to the next endpoint.
      if (!(IsConnectError(rc) || t.stalled) || t.got_data) break;
    }
    return Status::Unavailable(fmt::format("etcd request {} failed: {}", request.method, errors));
  }

 private:
  CURLcode Perform(const std::string& endpoint, const HttpRequest& request, Transfer& t,
                   char* errbuf) {
    CURL* c = curl_;
    curl_easy_reset(c);
    std::string url = endpoint + request.target;
    curl_easy_setopt(c, CURLOPT_URL, url.c_str());
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, request.method.c_str());
    if (request.method == "GET") curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
    if (request.method != "GET" && request.method != "DELETE") {
      curl_easy_setopt(c, CURLOPT_POSTFIELDS, request.body.c_str());
      curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, static_cast<long>(request.body.size()));
    }
    curl_slist* headers = curl_slist_append(nullptr, "Expect:");
    std::string ct = "Content-Type: " + request.content_type;
    if (!request.content_type.empty()) headers = curl_slist_append(headers, ct.c_str());
    std::string auth = "Authorization: " + request.authorization;
    if (!request.authorization.empty()) headers = curl_slist_append(headers, auth.c_str());
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS,
                     static_cast<long>(settings_.connect_timeout.count()));
    // No total time limit: OnProgress ends a transfer that stops moving.
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, 0L);
    curl_easy_setopt(c, CURLOPT_TCP_KEEPALIVE, 1L);
    curl_easy_setopt(c, CURLOPT_TCP_KEEPIDLE, 10L);
    curl_easy_setopt(c, CURLOPT_TCP_KEEPINTVL, 5L);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, OnWrite);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &t);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, OnHeader);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, &t);
    curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, OnProgress);
    curl_easy_setopt(c, CURLOPT_XFERINFODATA, &t);
    if (!settings_.cert_file.empty())
      curl_easy_setopt(c, CURLOPT_SSLCERT, settings_.cert_file.c_str());
    if (!settings_.key_file.empty())
      curl_easy_setopt(c, CURLOPT_SSLKEY, settings_.key_file.c_str());
    if (settings_.ca_file == "none") {
      curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 0L);
      curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 0L);
    } else if (!settings_.ca_file.empty()) {
      curl_easy_setopt(c, CURLOPT_CAINFO, settings_.ca_file.c_str());
    }
    CURLcode rc = curl_easy_perform(c);
    curl_slist_free_all(headers);
    return rc;
  }

  const EtcdSettings settings_;
  EndpointRing ring_;
  CURL* curl_ = nullptr;  // reused so connections are kept alive
};

}  // namespace

std::unique_ptr<HttpTransport> MakeCurlTransport(const EtcdSettings& settings) {
  return std::make_unique<CurlTransport>(settings);
}

std::unique_ptr<EtcdClient> MakeEtcdClient(const EtcdSettings& settings) {
  auto http = MakeCurlTransport(settings);
  return settings.api == EtcdApi::kV3
             ? MakeEtcdV3Client(std::move(http), settings.watch_idle_timeout, settings.username,
                                settings.password)
             : MakeEtcdV2Client(std::move(http), settings.watch_idle_timeout);
}

}  // namespace felix::datastore
