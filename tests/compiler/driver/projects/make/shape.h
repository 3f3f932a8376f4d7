#define SIDES 4
int area(int w, int h);
