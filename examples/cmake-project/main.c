// Converts a fixed list of readings (or those given as arguments) to all
// three scales; exit status 1 if any reading could not be parsed.
#include <stdio.h>

#include "convert.h"

int main(int argc, char **argv) {
  static const char *const defaults[] = {"21.5C", "70F", "300K", "-40F", "oops", "0K"};
  const char *const *readings = argc > 1 ? (const char *const *)argv + 1 : defaults;
  int count = argc > 1 ? argc - 1 : (int)(sizeof defaults / sizeof defaults[0]);
  int bad = 0;
  for (int i = 0; i < count; i++) {
    double k;
    if (!parse_reading(readings[i], &k)) {
      printf("%-8s not a reading\n", readings[i]);
      bad = 1;
      continue;
    }
    printf("%-8s %8.2f C %8.2f F %8.2f K\n", readings[i], from_kelvin(k, CELSIUS),
           from_kelvin(k, FAHRENHEIT), k);
  }
  return bad;
}
