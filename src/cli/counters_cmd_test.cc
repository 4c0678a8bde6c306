// felixctl counters over nft's JSON listing (as nft 1.0.6 prints it):
// comments name the rules, per-family rules sum, --iface follows the maps.
#include <gtest/gtest.h>

#include <sstream>

#include "cli/commands.h"

namespace felix::cli {
namespace {

// Two endpoints: eth0 -> its chain -> list 1 -> policy p; eth1 -> list 2.
const char kListing[] = R"({"nftables": [
 {"metainfo": {"version": "1.0.6", "json_schema_version": 1}},
 {"table": {"family": "inet", "name": "calico", "handle": 1}},
 {"map": {"family": "inet", "name": "cali-fh-map", "table": "calico", "type": "ifname",
          "map": "verdict", "elem": [["eth0", {"goto": {"target": "cali-fh-a"}}],
                                     ["eth1", {"goto": {"target": "cali-fh-b"}}]]}},
 {"chain": {"family": "inet", "table": "calico", "name": "cali-pi-default/p", "handle": 1}},
 {"chain": {"family": "inet", "table": "calico", "name": "cali-pl-1", "handle": 2}},
 {"chain": {"family": "inet", "table": "calico", "name": "cali-pl-2", "handle": 3}},
 {"chain": {"family": "inet", "table": "calico", "name": "cali-fh-a", "handle": 4}},
 {"chain": {"family": "inet", "table": "calico", "name": "cali-fh-b", "handle": 5}},
 {"rule": {"chain": "cali-pi-default/p", "comment": "policy default/p inbound rule 1",
   "expr": [{"match": {}}, {"counter": {"packets": 3, "bytes": 180}}, {"return": null}]}},
 {"rule": {"chain": "cali-pi-default/p", "comment": "policy default/p inbound rule 1",
   "expr": [{"match": {}}, {"counter": {"packets": 2, "bytes": 200}}, {"return": null}]}},
 {"rule": {"chain": "cali-pl-1", "expr": [{"jump": {"target": "cali-pi-default/p"}}]}},
 {"rule": {"chain": "cali-pl-1", "comment": "no policy or profile allowed",
   "expr": [{"counter": {"packets": 7, "bytes": 420}}, {"drop": null}]}},
 {"rule": {"chain": "cali-pl-2", "comment": "no policy or profile allowed",
   "expr": [{"counter": {"packets": 1, "bytes": 60}}, {"drop": null}]}},
 {"rule": {"chain": "cali-fh-a", "expr": [{"match": {}}, {"accept": null}]}},
 {"rule": {"chain": "cali-fh-a",
   "expr": [{"counter": {"packets": 12, "bytes": 800}}, {"goto": {"target": "cali-pl-1"}}]}},
 {"rule": {"chain": "cali-fh-b",
   "expr": [{"counter": {"packets": 1, "bytes": 60}}, {"goto": {"target": "cali-pl-2"}}]}}
]})";

TEST(CountersTest, RowsInTableOrderWithFamiliesSummed) {
  auto rows = CounterRows(kListing, "");
  ASSERT_TRUE(rows.ok()) << rows.status().message();
  EXPECT_EQ(*rows, (std::vector<CounterRow>{
                       {"policy default/p inbound rule 1", "cali-pi-default/p", 5, 380},
                       {"no policy or profile allowed", "cali-pl-1", 7, 420},
                       {"no policy or profile allowed", "cali-pl-2", 1, 60},
                       {"endpoint cali-fh-a reached policy", "cali-fh-a", 12, 800},
                       {"endpoint cali-fh-b reached policy", "cali-fh-b", 1, 60},
                   }));
}

TEST(CountersTest, AnInterfaceShowsWhatItsPacketsCanReach) {
  auto rows = CounterRows(kListing, "eth1");
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ(*rows, (std::vector<CounterRow>{
                       {"no policy or profile allowed", "cali-pl-2", 1, 60},
                       {"endpoint cali-fh-b reached policy", "cali-fh-b", 1, 60},
                   }));
  EXPECT_EQ(CounterRows(kListing, "eth0")->size(), 3u);
  EXPECT_TRUE(CounterRows(kListing, "eth9")->empty());
}

TEST(CountersTest, CommandPrintsATableOrJsonAndReportsErrors) {
  std::ostringstream out, err;
  EXPECT_EQ(Counters(
                {"eth1", "text"}, [] { return Result<std::string>(kListing); }, out, err),
            0);
  EXPECT_EQ(out.str(),
            "     PACKETS          BYTES  RULE\n"
            "           1             60  no policy or profile allowed (cali-pl-2)\n"
            "           1             60  endpoint cali-fh-b reached policy (cali-fh-b)\n");
  std::ostringstream none, why;
  EXPECT_EQ(
      Counters(
          {}, [] { return Result<std::string>(Status::NotFound("no table inet calico here")); },
          none, why),
      2);
  EXPECT_EQ(why.str(), "felixctl: no table inet calico here\n");
  EXPECT_FALSE(CounterRows("{\"x\": 1}", "").ok());
  EXPECT_FALSE(CounterRows("not json", "").ok());
}

}  // namespace
}  // namespace felix::cli
