/*
 * ossl_load.c - dlopen of OpenSSL (ossl_load.h). The libraries are named
 * by the soname of the headers the daemon was compiled with, so the table's
 * types match what is loaded; RTLD_NOW resolves everything at once, while
 * mapping executable pages is still allowed. On any failure the table is
 * cleared and nothing stays half-usable.
 */
#define OSSL_LOAD_NO_REDIRECT
#include "ossl_load.h"

#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

#include <openssl/opensslv.h>

#define STR_(x)	#x
#define STR(x)	STR_(x)
#define SONAME(lib)	"lib" lib ".so." STR(OPENSSL_SHLIB_VERSION)

struct ossl_fns	ossl_fn;
static int	loaded;

struct row {
	int		 ssl;	/* LIB_ssl or LIB_crypto */
	const char	*name;
	void		*slot;	/* a member of ossl_fn */
};

/* dlsym's void * is stored into typed function pointers */
_Static_assert(sizeof(void (*)(void)) == sizeof(void *),
    "function pointers are as wide as void *");

#define LIB_crypto	0
#define LIB_ssl		1

static const struct row rows[] = {
#define OSSL_FN(lib, f)	{ LIB_##lib, #f, &ossl_fn.f },
#include "ossl.def"
#undef OSSL_FN
};

int
ossl_load(char *err, size_t errlen)
{
	void *lib[2], *fn;
	const char *what = NULL, *sym = "";
	size_t i;

	if (loaded)
		return 0;
	/* libcrypto first: libssl depends on it */
	if ((lib[0] = dlopen(SONAME("crypto"), RTLD_NOW | RTLD_LOCAL)) == NULL ||
	    (lib[1] = dlopen(SONAME("ssl"), RTLD_NOW | RTLD_LOCAL)) == NULL)
		what = dlerror();
	for (i = 0; what == NULL && i < sizeof(rows) / sizeof(rows[0]); i++) {
		/* POSIX: a function pointer has the size of a void * */
		if ((fn = dlsym(lib[rows[i].ssl], rows[i].name)) == NULL)
			what = "missing symbol ", sym = rows[i].name;
		memcpy(rows[i].slot, &fn, sizeof(fn));
	}
	if (what != NULL) {
		/* the libraries stay mapped: OpenSSL does not unload cleanly */
		memset(&ossl_fn, 0, sizeof(ossl_fn));
		snprintf(err, errlen, "tls: loading OpenSSL (%s, %s): %s%s",
		    SONAME("crypto"), SONAME("ssl"), what, sym);
		return -1;
	}
	loaded = 1;
	return 0;
}

int
ossl_loaded(void)
{
	return loaded;
}
