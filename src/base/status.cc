#include "base/status.h"

namespace felix {

std::string Status::ToString() const {
  switch (code_) {
    case Code::kOk:
      return "OK";
    case Code::kInvalidArgument:
      return "Invalid argument: " + message_;
    case Code::kNotFound:
      return "Not found: " + message_;
    case Code::kIoError:
      return "IO error: " + message_;
    case Code::kUnavailable:
      return "Unavailable: " + message_;
  }
  return message_;
}

}  // namespace felix
