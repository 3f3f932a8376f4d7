// Temperature scales, and a parser for "<number><unit>" readings.
#ifndef CONVERT_H
#define CONVERT_H

enum scale { CELSIUS, FAHRENHEIT, KELVIN };

double to_kelvin(double value, enum scale from);
double from_kelvin(double kelvin, enum scale to);
// Parses text like "21.5C", "70F" or "300K"; returns 0 on bad input.
int parse_reading(const char *text, double *kelvin);

#endif
