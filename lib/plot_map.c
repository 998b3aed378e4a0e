/* SPDX-License-Identifier: BSD-2-Clause */
/* plot_map.c: pp-plot's map chart (see plot.h): the located hops of a
 * path on an equirectangular map of the land outlines, every hop listed
 * aside. */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/plot.h"
#include "lib/plot_svg.h"

struct view {
	double lon0, lon1, lat0, lat1;	/* shown extent */
	double x0, y0, w, h;		/* where, px */
};

static double
mx(const struct view *v, double lon)
{
	return v->x0 + (lon - v->lon0) / (v->lon1 - v->lon0) * v->w;
}

static double
my(const struct view *v, double lat)
{
	return v->y0 + (v->lat1 - lat) / (v->lat1 - v->lat0) * v->h;
}

/* Draw the land rings of datadir/map/land-110m.rings.txt.  Returns 0, or
 * -1 (err set) when the file cannot be read. */
static int
draw_land(struct pp_svg *s, const struct view *v, const char *datadir,
    struct pp_error *err)
{
	char path[4096];
	FILE *fp;
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;

	(void)snprintf(path, sizeof(path), "%s/map/land-110m.rings.txt",
	    datadir != NULL ? datadir : ".");
	fp = fopen(path, "r");
	if (fp == NULL) {
		pp_error_set(err, "cannot open map outlines '%s': %s", path,
		    strerror(errno));
		return -1;
	}
	pp_svg_path_begin(s, "land", NULL, NULL);
	while ((len = getline(&line, &cap, fp)) != -1) {
		char *p = line;
		if (*p == '#' || *p == '\n')
			continue;
		if (p[0] == 'H' && p[1] == ' ')
			p += 2;
		pp_svg_path_gap(s);
		while (*p != '\0' && *p != '\n') {
			char *end = NULL;
			double lon = strtod(p, &end);
			if (end == p || *end != ',')
				break;
			p = end + 1;
			double lat = strtod(p, &end);
			if (end == p)
				break;
			p = end;
			while (*p == ' ')
				p++;
			pp_svg_path_point(s, mx(v, lon), my(v, lat));
		}
		pp_svg_path_close(s);
	}
	free(line);
	fclose(fp);
	pp_svg_path_end(s);
	return 0;
}

int
pp_plot_map(struct pp_svg *s, const struct pp_plotdata *d,
    const char *target, const struct pp_plot_opts *o, struct pp_error *err)
{
	struct pp_plot_series *hops[256];
	struct pp_plot_series *dest = pp_plot_pick(d, target, 0, err);
	struct view v;

	if (dest == NULL)
		return -1;
	size_t nh = pp_plotdata_hops(d, dest->target, hops, 256);
	/* The extent: the world, or the located hops' box with a margin,
	 * kept at 2:1 so the projection stays equirectangular. */
	double lo0 = 180, lo1 = -180, la0 = 90, la1 = -90;
	size_t located = 0;
	for (size_t k = 0; k < nh; k++) {
		const struct pp_plot_addr *a = pp_plot_series_addr(hops[k]);
		if (a == NULL || !a->located)
			continue;
		located++;
		lo0 = fmin(lo0, a->lon);
		lo1 = fmax(lo1, a->lon);
		la0 = fmin(la0, a->lat);
		la1 = fmax(la1, a->lat);
	}
	v.lon0 = -180;
	v.lon1 = 180;
	v.lat0 = -90;
	v.lat1 = 90;
	if (located > 0 && lo1 - lo0 < 120 && la1 - la0 < 60) {
		double wlon = fmax(fmax(lo1 - lo0, 2 * (la1 - la0)) * 1.4, 30);
		double clon = (lo0 + lo1) / 2;
		double clat = (la0 + la1) / 2;
		v.lon0 = fmax(-180, clon - wlon / 2);
		v.lon1 = fmin(180, v.lon0 + wlon);
		v.lon0 = v.lon1 - wlon;
		v.lat0 = fmax(-90, clat - wlon / 4);
		v.lat1 = fmin(90, v.lat0 + wlon / 2);
		v.lat0 = v.lat1 - wlon / 2;
	}
	double side = 240;
	v.x0 = 16;
	v.y0 = TOP;
	v.w = o->width - side - 32;
	v.h = v.w / 2;
	double h = v.y0 + v.h + 30;
	double listh = TOP + 20 + 16.0 * (double)nh + 20;
	if (listh > h)
		h = listh;
	struct pp_plot_frame f;
	pp_plot_frame_init(&f, d, o->width, h, LEFT);
	pp_svg_begin(s, o->width, h, "pp-plot map", pp_plot_css(o));
	pp_svg_rect(s, 0, 0, o->width, h, "bg", NULL);
	pp_plot_title(s, &f, "path map", dest->target, NULL, o, NULL);
	pp_svg_raw(s, "<clipPath id=\"mapclip\">");
	pp_svg_rect(s, v.x0, v.y0, v.w, v.h, NULL, NULL);
	pp_svg_raw(s, "</clipPath>\n<g clip-path=\"url(#mapclip)\">\n");
	pp_svg_rect(s, v.x0, v.y0, v.w, v.h, "sea", NULL);
	if (draw_land(s, &v, o->datadir, err) == -1)
		return -1;
	for (int lon = -150; lon <= 150; lon += 30)
		pp_svg_line(s, mx(&v, lon), v.y0, mx(&v, lon), v.y0 + v.h,
		    "grid");
	for (int lat = -60; lat <= 60; lat += 30)
		pp_svg_line(s, v.x0, my(&v, lat), v.x0 + v.w, my(&v, lat),
		    "grid");
	/* The path between consecutive located hops, then the hops. */
	pp_svg_path_begin(s, "path", NULL, NULL);
	for (size_t k = 0; k < nh; k++) {
		const struct pp_plot_addr *a = pp_plot_series_addr(hops[k]);
		if (a != NULL && a->located)
			pp_svg_path_point(s, mx(&v, a->lon), my(&v, a->lat));
	}
	pp_svg_path_end(s);
	for (size_t k = 0; k < nh; k++) {
		const struct pp_plot_addr *a = pp_plot_series_addr(hops[k]);
		char lbl[160];
		if (a == NULL || !a->located)
			continue;
		pp_svg_group(s, "hopmark");
		(void)snprintf(lbl, sizeof(lbl), "hop %d: %s%s%s%s%s",
		    hops[k]->ttl, a->addr, a->place ? ", " : "",
		    a->place ? a->place : "", a->asn ? ", " : "",
		    a->asn ? a->asn : "");
		pp_svg_tooltip(s, lbl);
		pp_svg_circle(s, mx(&v, a->lon), my(&v, a->lat), 4, "hop",
		    NULL);
		(void)snprintf(lbl, sizeof(lbl), "%d", hops[k]->ttl);
		pp_svg_text(s, mx(&v, a->lon) + 6, my(&v, a->lat) - 5, NULL,
		    NULL, lbl);
		pp_svg_group_end(s);
	}
	pp_svg_raw(s, "</g>\n");
	/* Every hop, located or not, listed aside. */
	double lx = v.x0 + v.w + 16;
	double ly = TOP + 10;
	pp_svg_text(s, lx, ly, NULL, "title", "hops");
	for (size_t k = 0; k < nh; k++) {
		const struct pp_plot_addr *a = pp_plot_series_addr(hops[k]);
		char lbl[200];
		ly += 16;
		if (a == NULL)
			(void)snprintf(lbl, sizeof(lbl), "%2d  * no reply",
			    hops[k]->ttl);
		else if (a->located)
			(void)snprintf(lbl, sizeof(lbl), "%2d  %s  %s",
			    hops[k]->ttl, a->addr, a->place ? a->place : "");
		else
			(void)snprintf(lbl, sizeof(lbl), "%2d  %s  (%s)",
			    hops[k]->ttl, a->addr, a->special ? a->special :
			    "not located");
		if (strlen(lbl) > 40) {
			lbl[37] = '.';
			lbl[38] = '.';
			lbl[39] = '\0';
		}
		pp_svg_text(s, lx, ly, NULL, a != NULL && a->located ? NULL :
		    "dim", lbl);
	}
	if (located == 0)
		pp_svg_text(s, v.x0 + v.w / 2, v.y0 + v.h / 2, "middle", "sub",
		    "no located hops: enrich the records with pp-geo");
	pp_svg_text(s, v.x0, v.y0 + v.h + 16, NULL, "dim",
	    "Land outlines: Natural Earth (public domain)");
	pp_svg_end(s);
	return 0;
}

const char *
pp_plot_datadir(char *buf, size_t size)
{
	static const char *const rel[] = { "/../share/pp", "/../share" };
	const char *env = getenv("PP_DATADIR");
	char exe[PATH_MAX];
	char probe[PATH_MAX + 64];

	if (env != NULL && *env != '\0')
		return env;
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = '\0';
		char *slash = strrchr(exe, '/');
		if (slash != NULL)
			*slash = '\0';
		for (size_t i = 0; i < sizeof(rel) / sizeof(rel[0]); i++) {
			int len = snprintf(probe, sizeof(probe),
			    "%s%s/map/land-110m.rings.txt", exe, rel[i]);
			if (len < 0 || (size_t)len >= sizeof(probe))
				continue;
			if (access(probe, R_OK) == 0) {
				(void)snprintf(buf, size, "%s%s", exe, rel[i]);
				return buf;
			}
		}
	}
	return PP_DATADIR;
}
