// libFuzzer target for the config layer. The first byte picks where the rest
// goes: the config file text, or the value of one parameter (every parameter
// is reachable) from the environment or from etcd, through ResolveConfig.
// The rest is also fed to the private parsers directly. Nothing may crash;
// successful resolutions render their start-of-day lines.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "config/config.h"
#include "config/ini.h"
#include "config/parsers.h"

namespace {

using felix::config::ConfigInputs;
using felix::config::ResolveConfig;

void ResolveAndRender(const ConfigInputs& in) {
  auto r = ResolveConfig(in);
  if (!r.ok()) return;
  for (const std::string& line : felix::config::StartOfDayLines(*r)) (void)line.size();
  (void)felix::config::ChangedParameters(r->config, felix::config::DefaultConfig("h"));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::string text(reinterpret_cast<const char*>(data) + 1, size - 1);

  (void)felix::config::ParseIni(text);
  (void)felix::config::ParseFailsafePorts(text);
  (void)felix::config::CanonicalCidr(text);
  (void)felix::config::ParseEtcdEndpoints(text);
  (void)felix::config::ParseInterfacePrefixes(text);

  const std::vector<felix::config::ParameterInfo> params = felix::config::Parameters();
  const size_t choice = data[0] % (2 * params.size() + 1);
  ConfigInputs in;
  in.default_hostname = "h";
  if (choice == 2 * params.size()) {
    in.file_text = text;
  } else if (choice % 2 == 0) {
    in.env["FELIX_" + std::string(params[choice / 2].name)] = text;
  } else {
    in.etcd_global[std::string(params[choice / 2].name)] = text;
  }
  ResolveAndRender(in);
  std::vector<std::string> warnings;  // felixctl validate's path for one etcd value
  (void)felix::config::CheckDatastoreValue(params[data[0] % params.size()].name, text, warnings);
  return 0;
}
