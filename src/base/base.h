// Public header of the base layer: Status/Result, strings helpers, logging.
#pragma once

#include "base/clock.h"    // IWYU pragma: export
#include "base/log.h"      // IWYU pragma: export
#include "base/status.h"   // IWYU pragma: export
#include "base/strings.h"  // IWYU pragma: export
