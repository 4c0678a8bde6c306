// felixctl status: the hosts that report their status in etcd (spec §17.3),
// with the age of their last report, their uptime, and whether the report
// with a TTL is still there (an agent that stopped reporting has its
// `status` key expire; `last_reported_status` stays).
#include <ctime>
#include <iomanip>
#include <map>
#include <nlohmann/json.hpp>
#include <ostream>
#include <sstream>

#include <fmt/format.h>

#include "cli/commands.h"
#include "datastore/datastore.h"

namespace felix::cli {
namespace {

constexpr std::string_view kHosts = "/calico/felix/v1/host/";

struct HostReport {
  std::optional<std::string> last;  // last_reported_status JSON
  bool live = false;                // the TTL'd status key exists
};

std::optional<std::chrono::system_clock::time_point> ParseUtc(const std::string& text) {
  std::tm tm{};
  std::istringstream in(text);
  in >> std::get_time(&tm, "%Y-%m-%dT%H:%M:%SZ");
  if (in.fail()) return std::nullopt;
  return std::chrono::system_clock::from_time_t(timegm(&tm));
}

// "45s", "12m3s", "5h2m", "3d4h".
std::string Span(double seconds) {
  const auto s = static_cast<int64_t>(seconds < 0 ? 0 : seconds);
  if (s < 60) return fmt::format("{}s", s);
  if (s < 3600) return fmt::format("{}m{}s", s / 60, s % 60);
  if (s < 86400) return fmt::format("{}h{}m", s / 3600, s % 3600 / 60);
  return fmt::format("{}d{}h", s / 86400, s % 86400 / 3600);
}

}  // namespace

int HostsStatus(datastore::EtcdClient& etcd, std::chrono::system_clock::time_point now,
                std::ostream& out, std::ostream& err) {
  auto snap = etcd.GetPrefix(std::string(kHosts.substr(0, kHosts.size() - 1)));
  if (!snap.ok()) {
    err << "felixctl: " << snap.status().message() << "\n";
    return kExitUsage;
  }
  std::map<std::string, HostReport> hosts;
  for (const auto& kv : snap->kvs) {
    if (!kv.key.starts_with(kHosts)) continue;
    const std::string rest = kv.key.substr(kHosts.size());
    const size_t slash = rest.find('/');
    if (slash == std::string::npos) continue;
    const std::string host = rest.substr(0, slash), leaf = rest.substr(slash + 1);
    if (leaf == "last_reported_status") hosts[host].last = kv.value;
    if (leaf == "status") hosts[host].live = true;
  }
  if (hosts.empty()) {
    out << "no host reports its status (ReportingIntervalSecs = 0 everywhere?)\n";
    return kExitOk;
  }
  out << fmt::format("{:<24} {:<21} {:>7} {:>8}  {}\n", "HOST", "LAST REPORT", "AGE", "UPTIME",
                     "STATE");
  bool expired = false;
  for (const auto& [host, r] : hosts) {
    std::string time = "-", age = "-", uptime = "-";
    if (r.last) {
      const auto j = nlohmann::json::parse(*r.last, nullptr, /*allow_exceptions=*/false);
      if (j.is_object()) {
        if (auto t = j.find("time"); t != j.end() && t->is_string()) {
          time = t->get<std::string>();
          if (auto at = ParseUtc(time)) {
            age = Span(std::chrono::duration<double>(now - *at).count());
          }
        }
        if (auto u = j.find("uptime"); u != j.end() && u->is_number()) {
          uptime = Span(u->get<double>());
        }
      }
    }
    expired = expired || !r.live;
    out << fmt::format("{:<24} {:<21} {:>7} {:>8}  {}\n", host, time, age, uptime,
                       r.live ? "reporting" : "EXPIRED (no report within ReportingTTLSecs)");
  }
  return expired ? kExitInvalid : kExitOk;
}

}  // namespace felix::cli
