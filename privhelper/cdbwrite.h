/*
 * cdbwrite.h - the cdb writer under cdbmake.h's cdbw: records streamed
 * through a CDB_OUTBUF buffer into an atomic_file, then the 256 hash
 * tables and the header, laid out byte for byte as djb's cdbmake does.
 * The fields of struct cdb_out are cdbwrite.c's; the only caller is
 * cdbmake.c. Each function returns 0, or -1 with errno (EFBIG past the
 * format's 4 GiB, ENOMEM); a failed finish marks the atomic_file failed.
 */
#ifndef VP_CDBWRITE_H
#define VP_CDBWRITE_H

#include <stddef.h>
#include <stdint.h>

#include "atomic.h"

#define CDB_OUTBUF	65536	/* bytes written per write(2) */

struct cdb_out_slot {
	uint32_t	hash;
	uint32_t	pos;
};

struct cdb_out {
	struct atomic_file	*af;
	unsigned char		*buf;	/* CDB_OUTBUF bytes */
	size_t			 blen;
	uint32_t		 pos;	/* bytes of the file so far */
	struct cdb_out_slot	*slots;	/* one per record, in order */
	size_t			 nslots, cap;
};

int	cdb_out_start(struct cdb_out *, struct atomic_file *);
int	cdb_out_add(struct cdb_out *, const void *key, size_t klen,
	    const void *val, size_t vlen);
int	cdb_out_finish(struct cdb_out *);
void	cdb_out_free(struct cdb_out *);

#endif
