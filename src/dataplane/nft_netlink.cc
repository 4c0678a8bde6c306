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
  size_t sndbuf = size_t{128} * 1024;  // below the kernel's default SO_SNDBUF
  std::vector<char> buf = std::vector<char>(kBufferSize);
  ~Socket() {
    if (nl) mnl_socket_close(nl);
  }

  // Sends one batch and waits for its answer: the ack of its last message
  // or an error for the whole batch. Every error in the batch's range of
  // sequence numbers means nothing was committed.
  Status SendBatch(const NftBatch& b) {
    if (b.last_seq == 0) return Status::Ok();
    DrainNow();
    if (b.bytes.size() > sndbuf) {
      // The kernel takes a batch only whole, in one message up to SO_SNDBUF.
      int size = static_cast<int>(b.bytes.size());
      if (setsockopt(mnl_socket_get_fd(nl), SOL_SOCKET, SO_SNDBUFFORCE, &size, sizeof(size)) < 0) {
        setsockopt(mnl_socket_get_fd(nl), SOL_SOCKET, SO_SNDBUF, &size, sizeof(size));
      }
      sndbuf = b.bytes.size();
    }
    if (mnl_socket_sendto(nl, b.bytes.data(), b.bytes.size()) < 0) {
      return Status::IoError(fmt::format("netlink send: {}", std::strerror(errno)));
    }
    int error = 0;
    for (;;) {
      ssize_t n = mnl_socket_recvfrom(nl, buf.data(), buf.size());
      if (n < 0) {
        if (errno == EINTR) continue;
        return Status::IoError(fmt::format("netlink recv: {}", std::strerror(errno)));
      }
      int len = static_cast<int>(n);
      for (auto* m = reinterpret_cast<const nlmsghdr*>(buf.data()); mnl_nlmsg_ok(m, len);
           m = mnl_nlmsg_next(m, &len)) {
        if (m->nlmsg_type != NLMSG_ERROR || m->nlmsg_seq < b.begin_seq ||
            m->nlmsg_seq > b.last_seq) {
          continue;
        }
        const auto* err = static_cast<const nlmsgerr*>(mnl_nlmsg_get_payload(m));
        if (err->error != 0 && error == 0) error = -err->error;
        // The batch as a whole failed, or its last message was answered:
        // the kernel has processed all of it.
        if (m->nlmsg_seq == b.last_seq || (m->nlmsg_seq == b.begin_seq && err->error != 0)) {
          if (error == 0) return Status::Ok();
          return Status::IoError(fmt::format("netlink batch: {}", std::strerror(error)));
        }
      }
    }
  }

  // Drops answers left from an earlier exchange (a batch that failed as a
  // whole is answered once for the batch and again per acked message).
  void DrainNow() {
    for (;;) {
      ssize_t n = recv(mnl_socket_get_fd(nl), buf.data(), buf.size(), MSG_DONTWAIT);
      if (n > 0 || (n < 0 && errno == EINTR)) continue;
      return;
    }
  }

  // Sends the request in buf (built by `build`) and runs `on_msg` for every
  // answer until the dump (or the single answer) ends.
  Status Talk(const std::function<void(nlmsghdr*)>& build, uint16_t type, uint16_t family,
              uint16_t flags, const std::function<void(const nlmsghdr*)>& on_msg) {
    DrainNow();
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

Status NftNetlinkReader::Commit(const DirectChange& c) {
  Result<NftBatch> batch = BuildBatch(c, sock_->seq);
  if (!batch.ok()) return batch.status();
  return sock_->SendBatch(*batch);
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
  // Errors without a copy of the failed request: a failing batch of many
  // messages must not overflow the receive buffer.
  int one = 1;
  setsockopt(mnl_socket_get_fd(s->nl), SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
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
