/* printf(3) of floating-point values in %f, %e, %g and %a formats, with
 * widths and precisions, special values and rounding edge cases; strtod(3)
 * round trips. glibc formats floats with multi-precision integer code, so
 * this is mostly integer arithmetic driven by float inputs. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

int main(void)
{
	volatile double zero = 0.0;
	const double v[] = {-0.0, -1.5, 0.1, 123456.789, 1e21};
	for (size_t i = 0; i < sizeof v / sizeof v[0]; i++)
		printf("%f|%.3e|%-10.4g|%a|\n", v[i], v[i], v[i], v[i]);
	/* The extremes in %a only: decimal conversions of them need
	 * hundreds of digits of multi-precision arithmetic. */
	const double x[] = {5e-324, 2.2250738585072014e-308, 1.7976931348623157e308};
	for (size_t i = 0; i < sizeof x / sizeof x[0]; i++)
		printf("%a|\n", x[i]);
	printf("%f %f %f\n", 1.0 / zero, -1.0 / zero, zero / zero);
	printf("%.0f %.0f %.0f %.0f\n", 0.5, 1.5, 2.5, -0.5);
	printf("%.17g %.17g\n", 1.0 / 3.0, sqrt(2.0));
	const char *s[] = {"3.14159", "-2.5e-3", "1e40", "0x1.8p1", "nan", "inf"};
	for (size_t i = 0; i < sizeof s / sizeof s[0]; i++) {
		char *end;
		double d = strtod(s[i], &end);
		printf("%s -> %.17g (%td)\n", s[i], d, end - s[i]);
	}
	float f = 16777217.0f;
	printf("%.1f %.9g\n", (double)f, (double)(f / 3.0f));
	return 0;
}
