// felixctl entry point.
#include <iostream>

#include "cli/cli.h"

int main(int argc, char** argv) {
  return felix::cli::RunFelixctl(argc, argv, std::cin, std::cout, std::cerr);
}
