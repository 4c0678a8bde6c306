// libFuzzer target for model::DecodeValue: the first input byte picks a key
// kind, the rest is the raw etcd value. DecodeValue must never crash, hang or
// grow memory without bound; an accepted value must re-decode from its
// canonical JSON to the same value and the same canonical JSON.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "model/model.h"

namespace {

constexpr const char* kKeys[] = {
    "/calico/v1/host/h1/endpoint/eth0",
    "/calico/v1/host/h1/workload/docker/c1/endpoint/e1",
    "/calico/v1/host/h2/workload/docker/c1/endpoint/e1",
    "/calico/v1/policy/profile/base/rules",
    "/calico/v1/policy/profile/base/tags",
    "/calico/v1/policy/profile/base/labels",
    "/calico/v1/policy/tier/ops/metadata",
    "/calico/v1/policy/tier/ops/policy/ssh",
    "/calico/v1/ipam/v4/pool/10.0.0.0-8",
    "/calico/v1/ipam/v6/pool/fd00::-64",
    "/calico/v1/host/h1/bird_ip",
    "/calico/v1/Ready",
    "/calico/v1/config/LogSeverityFile",
};
constexpr size_t kNumKeys = sizeof(kKeys) / sizeof(kKeys[0]);

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace felix::model;
  if (size == 0) return 0;
  auto key = ParseKey(kKeys[data[0] % kNumKeys]);
  if (!key) return 0;
  std::string_view raw(reinterpret_cast<const char*>(data + 1), size - 1);
  ValidationContext ctx{"h1", {"cali", "tap"}};
  if (data[0] >= 128) {  // also exercise DecodeRule
    Decoded r = DecodeRule(raw);
    if (r.value.has_value() != r.issues.empty()) abort();
  }
  Decoded d = DecodeValue(*key, raw, ctx);
  if (!d.value) {
    if (d.issues.empty()) abort();
    (void)RejectionLogLine(*key, d.issues, raw);
    return 0;
  }
  if (!d.issues.empty()) abort();
  std::string canon = CanonicalJson(*d.value);
  Decoded again = DecodeValue(*key, canon, ctx);
  if (!again.value) abort();
  if (!(*again.value == *d.value)) abort();
  if (CanonicalJson(*again.value) != canon) abort();
  return 0;
}
