// NftNetlinkReader (nft_netlink.h): requests built with libnftnl's header
// helper and libmnl attributes, answers parsed attribute by attribute in
// libmnl callbacks so that nothing but the counts is kept.
#include "dataplane/nft_netlink.h"

#include <arpa/inet.h>
#include <libmnl/libmnl.h>
#include <libnftnl/batch.h>
#include <libnftnl/common.h>
#include <libnftnl/gen.h>
#include <libnftnl/set.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>

#include <sys/socket.h>
#include <sys/time.h>

#include <fmt/format.h>
#include <cerrno>
#include <cstring>

#include <functional>
#include <optional>
#include <vector>

namespace felix::dataplane {
namespace {

constexpr char kTableName[] = "calico";
constexpr size_t kBufferSize = size_t{256} * 1024;  // one recv; the kernel fills dumps up to it

// The string attribute `type` of a nf_tables message, "" when absent.
std::string StringAttr(const nlmsghdr* nlh, uint16_t type) {
  struct Find {
    uint16_t type;
    std::string value;
  } find{type, {}};
  mnl_attr_parse(
      nlh, sizeof(nfgenmsg),
      [](const nlattr* a, void* data) {
        auto* f = static_cast<Find*>(data);
        if (mnl_attr_get_type(a) == f->type && mnl_attr_validate(a, MNL_TYPE_NUL_STRING) >= 0) {
          f->value = mnl_attr_get_str(a);
        }
        return MNL_CB_OK;
      },
      &find);
  return find.value;
}

// The big-endian u32 attribute `type` of a nf_tables message, 0 when absent.
uint32_t U32Attr(const nlmsghdr* nlh, uint16_t type) {
  struct Find {
    uint16_t type;
    uint32_t value;
  } find{type, 0};
  mnl_attr_parse(
      nlh, sizeof(nfgenmsg),
      [](const nlattr* a, void* data) {
        auto* f = static_cast<Find*>(data);
        if (mnl_attr_get_type(a) == f->type && mnl_attr_validate(a, MNL_TYPE_U32) >= 0) {
          f->value = ntohl(mnl_attr_get_u32(a));
        }
        return MNL_CB_OK;
      },
      &find);
  return find.value;
}

// Elements of a NFT_MSG_NEWSETELEM message, interval ends not counted.
size_t CountElements(const nlmsghdr* nlh) {
  size_t n = 0;
  mnl_attr_parse(
      nlh, sizeof(nfgenmsg),
      [](const nlattr* a, void* data) {
        if (mnl_attr_get_type(a) != NFTA_SET_ELEM_LIST_ELEMENTS) return MNL_CB_OK;
        // mnl_attr_for_each_nested's void* cursor does not convert in C++.
        const auto* end =
            reinterpret_cast<const char*>(mnl_attr_get_payload(a)) + mnl_attr_get_payload_len(a);
        for (auto* elem = static_cast<const nlattr*>(mnl_attr_get_payload(a));
             mnl_attr_ok(elem, static_cast<int>(end - reinterpret_cast<const char*>(elem)));
             elem = mnl_attr_next(elem)) {
          uint32_t flags = 0;
          mnl_attr_parse_nested(
              elem,
              [](const nlattr* f, void* out) {
                if (mnl_attr_get_type(f) == NFTA_SET_ELEM_FLAGS &&
                    mnl_attr_validate(f, MNL_TYPE_U32) >= 0) {
                  *static_cast<uint32_t*>(out) = ntohl(mnl_attr_get_u32(f));
                }
                return MNL_CB_OK;
              },
              &flags);
          if ((flags & NFT_SET_ELEM_INTERVAL_END) == 0) ++*static_cast<size_t*>(data);
        }
        return MNL_CB_OK;
      },
      &n);
  return n;
}

}  // namespace

struct NftNetlinkReader::Socket {
  mnl_socket* nl = nullptr;
  uint32_t portid = 0;
  uint32_t seq = 0;
  std::vector<char> buf = std::vector<char>(kBufferSize);
  ~Socket() {
    if (nl) mnl_socket_close(nl);
  }

  // Sends the request in buf (built by `build`) and runs `on_msg` for every
  // answer until the dump (or the single answer) ends.
  Status Talk(const std::function<void(nlmsghdr*)>& build, uint16_t type, uint16_t family,
              uint16_t flags, const std::function<void(const nlmsghdr*)>& on_msg) {
    const uint32_t s = ++seq;
    nlmsghdr* nlh = nftnl_nlmsg_build_hdr(buf.data(), type, family, NLM_F_ACK | flags, s);
    if (build) build(nlh);
    if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0) {
      return Status::IoError(fmt::format("netlink send: {}", std::strerror(errno)));
    }
    struct Ctx {
      const std::function<void(const nlmsghdr*)>* on_msg;
    } ctx{&on_msg};
    for (;;) {
      ssize_t n = mnl_socket_recvfrom(nl, buf.data(), buf.size());
      if (n < 0) return Status::IoError(fmt::format("netlink recv: {}", std::strerror(errno)));
      int rc = mnl_cb_run(
          buf.data(), n, s, portid,
          [](const nlmsghdr* m, void* data) {
            (*static_cast<Ctx*>(data)->on_msg)(m);
            return MNL_CB_OK;
          },
          &ctx);
      if (rc == MNL_CB_STOP) return Status::Ok();
      if (rc < 0) {
        if (errno == ENOENT) return Status::NotFound("table inet calico does not exist");
        return Status::IoError(fmt::format("netlink: {}", std::strerror(errno)));
      }
    }
  }
};

Status NftNetlinkReader::UpdateElements(const std::vector<ElementOps>& ops) {
  // Message size: about 40 bytes per IPv6 element; the batch buffer grows.
  size_t keys = 0;
  for (const auto& o : ops) keys += o.del.size() + o.add.size();
  std::vector<char> buf(size_t{64} * 1024 + keys * 64);
  mnl_nlmsg_batch* batch = mnl_nlmsg_batch_start(buf.data(), buf.size());
  uint32_t seq = sock_->seq;
  const uint32_t first = seq + 1;
  nftnl_batch_begin(static_cast<char*>(mnl_nlmsg_batch_current(batch)), ++seq);
  mnl_nlmsg_batch_next(batch);
  int messages = 0;
  Status bad;
  auto put = [&](const ElementOps& o, const std::vector<std::string>& keys, uint16_t type,
                 uint16_t flags) {
    if (keys.empty()) return;
    nftnl_set* set = nftnl_set_alloc();
    nftnl_set_set_str(set, NFTNL_SET_TABLE, kTableName);
    nftnl_set_set_str(set, NFTNL_SET_NAME, o.set.c_str());
    for (const auto& k : keys) {
      unsigned char addr[16];
      if (inet_pton(o.family == 4 ? AF_INET : AF_INET6, k.c_str(), addr) != 1) {
        bad = Status::InvalidArgument(fmt::format("not an IPv{} address: {}", o.family, k));
        continue;
      }
      nftnl_set_elem* e = nftnl_set_elem_alloc();
      nftnl_set_elem_set(e, NFTNL_SET_ELEM_KEY, addr, o.family == 4 ? 4 : 16);
      nftnl_set_elem_add(set, e);
    }
    nlmsghdr* nlh = nftnl_nlmsg_build_hdr(static_cast<char*>(mnl_nlmsg_batch_current(batch)), type,
                                          NFPROTO_INET, NLM_F_ACK | flags, ++seq);
    nftnl_set_elems_nlmsg_build_payload(nlh, set);
    nftnl_set_free(set);
    mnl_nlmsg_batch_next(batch);
    ++messages;
  };
  for (const auto& o : ops) put(o, o.del, NFT_MSG_DELSETELEM, 0);
  for (const auto& o : ops) put(o, o.add, NFT_MSG_NEWSETELEM, NLM_F_CREATE);
  nftnl_batch_end(static_cast<char*>(mnl_nlmsg_batch_current(batch)), ++seq);
  mnl_nlmsg_batch_next(batch);
  sock_->seq = seq;
  if (!bad.ok()) {
    mnl_nlmsg_batch_stop(batch);
    return bad;
  }
  const bool sent =
      mnl_socket_sendto(sock_->nl, mnl_nlmsg_batch_head(batch), mnl_nlmsg_batch_size(batch)) >= 0;
  mnl_nlmsg_batch_stop(batch);
  if (!sent) return Status::IoError(fmt::format("netlink send: {}", std::strerror(errno)));
  // One ack (or error) per element message; any error aborted the batch.
  int acks = 0;
  int error = 0;
  while (acks < messages) {
    ssize_t n = mnl_socket_recvfrom(sock_->nl, sock_->buf.data(), sock_->buf.size());
    if (n < 0) return Status::IoError(fmt::format("netlink recv: {}", std::strerror(errno)));
    int len = static_cast<int>(n);
    for (auto* m = reinterpret_cast<const nlmsghdr*>(sock_->buf.data()); mnl_nlmsg_ok(m, len);
         m = mnl_nlmsg_next(m, &len)) {
      if (m->nlmsg_type != NLMSG_ERROR || m->nlmsg_seq < first || m->nlmsg_seq > seq) continue;
      const auto* err = static_cast<const nlmsgerr*>(mnl_nlmsg_get_payload(m));
      if (err->error != 0 && error == 0) error = -err->error;
      ++acks;
    }
  }
  if (error != 0) {
    return Status::IoError(fmt::format("set element batch: {}", std::strerror(error)));
  }
  return Status::Ok();
}

NftNetlinkReader::NftNetlinkReader(std::unique_ptr<Socket> s) : sock_(std::move(s)) {}
NftNetlinkReader::~NftNetlinkReader() = default;

Result<std::unique_ptr<NftNetlinkReader>> NftNetlinkReader::Open() {
  auto s = std::make_unique<Socket>();
  s->nl = mnl_socket_open(NETLINK_NETFILTER);
  if (s->nl == nullptr || mnl_socket_bind(s->nl, 0, MNL_SOCKET_AUTOPID) < 0) {
    return Status::IoError(fmt::format("netfilter netlink socket: {}", std::strerror(errno)));
  }
  s->portid = mnl_socket_get_portid(s->nl);
  // The kernel answers at once; a silent kernel must not wedge the loop.
  timeval timeout{5, 0};
  setsockopt(mnl_socket_get_fd(s->nl), SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
  return std::unique_ptr<NftNetlinkReader>(new NftNetlinkReader(std::move(s)));
}

Result<uint32_t> NftNetlinkReader::Generation() {
  std::optional<uint32_t> id;
  Status st = sock_->Talk(nullptr, NFT_MSG_GETGEN, AF_UNSPEC, 0, [&](const nlmsghdr* m) {
    nftnl_gen* gen = nftnl_gen_alloc();
    if (nftnl_gen_nlmsg_parse(m, gen) >= 0 && nftnl_gen_is_set(gen, NFTNL_GEN_ID)) {
      id = nftnl_gen_get_u32(gen, NFTNL_GEN_ID);
    }
    nftnl_gen_free(gen);
  });
  if (!st.ok()) return st;
  if (!id) return Status::IoError("no generation id in the kernel's answer");
  return *id;
}

Result<TableShape> NftNetlinkReader::ReadShape() {
  TableShape shape;
  auto table_filter = [](uint16_t attr) {
    return [attr](nlmsghdr* nlh) { mnl_attr_put_strz(nlh, attr, kTableName); };
  };
  // Chains: the dump covers every table of the family; keep ours.
  bool table_seen = false;
  Status st =
      sock_->Talk(nullptr, NFT_MSG_GETCHAIN, NFPROTO_INET, NLM_F_DUMP, [&](const nlmsghdr* m) {
        if (StringAttr(m, NFTA_CHAIN_TABLE) != kTableName) return;
        table_seen = true;
        shape.chain_rules.try_emplace(StringAttr(m, NFTA_CHAIN_NAME), 0);
      });
  if (!st.ok()) return st;
  // Rules and sets: dumps filtered by table (NotFound when it is absent).
  st = sock_->Talk(table_filter(NFTA_RULE_TABLE), NFT_MSG_GETRULE, NFPROTO_INET, NLM_F_DUMP,
                   [&](const nlmsghdr* m) { ++shape.chain_rules[StringAttr(m, NFTA_RULE_CHAIN)]; });
  if (!st.ok()) return st;
  std::vector<std::string> sets;
  st = sock_->Talk(table_filter(NFTA_SET_TABLE), NFT_MSG_GETSET, NFPROTO_INET, NLM_F_DUMP,
                   [&](const nlmsghdr* m) {
                     // Anonymous sets belong to the rules that use them.
                     if (U32Attr(m, NFTA_SET_FLAGS) & NFT_SET_ANONYMOUS) return;
                     sets.push_back(StringAttr(m, NFTA_SET_NAME));
                   });
  if (!st.ok()) return st;
  if (!table_seen) return Status::NotFound("table inet calico does not exist");
  for (const std::string& name : sets) {
    size_t& n = shape.set_elements[name];
    st = sock_->Talk(
        [&](nlmsghdr* nlh) {
          mnl_attr_put_strz(nlh, NFTA_SET_ELEM_LIST_TABLE, kTableName);
          mnl_attr_put_strz(nlh, NFTA_SET_ELEM_LIST_SET, name.c_str());
        },
        NFT_MSG_GETSETELEM, NFPROTO_INET, NLM_F_DUMP,
        [&](const nlmsghdr* m) { n += CountElements(m); });
    if (!st.ok()) return st;
  }
  return shape;
}

}  // namespace felix::dataplane
