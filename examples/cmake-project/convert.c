#include "convert.h"

#include <stdlib.h>

double to_kelvin(double value, enum scale from) {
  switch (from) {
  case CELSIUS: return value + 273.15;
  case FAHRENHEIT: return (value - 32) * 5 / 9 + 273.15;
  default: return value;
  }
}

double from_kelvin(double kelvin, enum scale to) {
  switch (to) {
  case CELSIUS: return kelvin - 273.15;
  case FAHRENHEIT: return (kelvin - 273.15) * 9 / 5 + 32;
  default: return kelvin;
  }
}

int parse_reading(const char *text, double *kelvin) {
  char *end;
  double value = strtod(text, &end);
  if (end == text || end[0] == 0 || end[1] != 0)
    return 0;
  switch (end[0]) {
  case 'C': *kelvin = to_kelvin(value, CELSIUS); return 1;
  case 'F': *kelvin = to_kelvin(value, FAHRENHEIT); return 1;
  case 'K': *kelvin = to_kelvin(value, KELVIN); return 1;
  default: return 0;
  }
}
