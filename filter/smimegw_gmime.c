/*
 * NAME
 *	smimegw_gmime - GMime and GLib for the filter, loaded when a
 *	message first needs them
 * DESCRIPTION
 *	A program linked with GMime pays on every start for mapping and
 *	relocating GMime, GIO, GObject, GLib, GPGME and the ten shared
 *	objects they pull in: about 1.8 ms of CPU, a fifth of what a 10 KB
 *	outbound message costs the filter (issue 11, tests/bench). An
 *	outbound message that is only wrapped never asks GMime anything
 *	(sg_mime parses on first use), so the smimegw filter is linked
 *	without GMime (cmake/SmimegwLink.cmake, unless SMIMEGW_STATIC_MIME)
 *	and this file defines each GMime and GLib function it calls, with
 *	the prototype of GMime's own header: the first call opens
 *	SMIMEGW_GMIME_SONAME with dlopen(3) (GLib comes with it) and looks
 *	the function up there; later calls go straight through.
 *
 *	The compiler checks every definition against GMime's header, and
 *	the link of smimegw fails when lib/ calls a GMime or GLib function
 *	that is not listed here: add it with SG_LAZY or SG_LAZY_VOID.
 *	GMime's own calls to its functions stay inside GMime (the filter
 *	does not export these names).
 * DIAGNOSTICS
 *	When GMime cannot be loaded or lacks a function (a broken
 *	installation), smimegw_gmime_unavailable() of the program is called
 *	and does not return: the filter logs it and defers (75). GMime is
 *	only used while the copies are built, before the first one reaches
 *	sendmail, so nothing has been sent then.
 */
#include <dlfcn.h>
#include <string.h>

#include <gmime/gmime.h>

#include "smimegw_gmime.h"

/* smimegw_gmime_sym - GMime's (or GLib's) function name; never NULL */
static void *smimegw_gmime_sym(const char *name)
{
	static void *handle;
	const char *err;
	void   *fn;

	if (handle == NULL) {
		handle = dlopen(SMIMEGW_GMIME_SONAME, RTLD_NOW | RTLD_LOCAL);
		if (handle == NULL) {
			err = dlerror();
			smimegw_gmime_unavailable(err ? err : SMIMEGW_GMIME_SONAME);
		}
	}
	(void) dlerror();
	fn = dlsym(handle, name);
	if (fn == NULL)
		smimegw_gmime_unavailable(name);
	return fn;
}

/* fn: name's own function, looked up at the first call */
#define SG_LAZY_FN(name) \
	static __typeof__(name) *fn; \
	if (fn == NULL) { \
		void *p = smimegw_gmime_sym(#name); \
		memcpy(&fn, &p, sizeof(fn)); \
	}

/* A function with a result, and one without. */
#define SG_LAZY(ret, name, params, args) \
	ret name params \
	{ \
		SG_LAZY_FN(name) \
		return fn args; \
	}
#define SG_LAZY_VOID(name, params, args) \
	void name params \
	{ \
		SG_LAZY_FN(name) \
		fn args; \
	}

/* GLib */
SG_LAZY(gchar*, g_base64_encode,
	(const guchar *data, gsize len),
	(data, len))
SG_LAZY(guint8*, g_byte_array_free,
	(GByteArray *array, gboolean free_segment),
	(array, free_segment))
SG_LAZY(GByteArray*, g_byte_array_new,
	(void),
	())
SG_LAZY_VOID(g_free,
	(gpointer mem),
	(mem))
SG_LAZY_VOID(g_object_unref,
	(gpointer object),
	(object))
SG_LAZY(GTypeInstance*, g_type_check_instance_cast,
	(GTypeInstance *instance, GType iface_type),
	(instance, iface_type))
SG_LAZY(gboolean, g_type_check_instance_is_a,
	(GTypeInstance *instance, GType iface_type),
	(instance, iface_type))

/* GMime */
SG_LAZY(const char *, g_mime_content_type_get_parameter,
	(GMimeContentType *content_type, const char *name),
	(content_type, name))
SG_LAZY(gboolean, g_mime_content_type_is_type,
	(GMimeContentType *content_type, const char *type, const char *subtype),
	(content_type, type, subtype))
SG_LAZY(GMimeContentType *, g_mime_content_type_parse,
	(GMimeParserOptions *options, const char *str),
	(options, str))
SG_LAZY(GMimeContentEncoding, g_mime_data_wrapper_get_encoding,
	(GMimeDataWrapper *wrapper),
	(wrapper))
SG_LAZY(GMimeStream *, g_mime_data_wrapper_get_stream,
	(GMimeDataWrapper *wrapper),
	(wrapper))
SG_LAZY(ssize_t, g_mime_data_wrapper_write_to_stream,
	(GMimeDataWrapper *wrapper, GMimeStream *stream),
	(wrapper, stream))
SG_LAZY(size_t, g_mime_encoding_base64_encode_close,
	(const unsigned char *inbuf, size_t inlen, unsigned char *outbuf,
	    int *state, guint32 *save),
	(inbuf, inlen, outbuf, state, save))
SG_LAZY(size_t, g_mime_encoding_base64_encode_step,
	(const unsigned char *inbuf, size_t inlen, unsigned char *outbuf,
	    int *state, guint32 *save),
	(inbuf, inlen, outbuf, state, save))
SG_LAZY(size_t, g_mime_encoding_flush,
	(GMimeEncoding *state, const char *inbuf, size_t inlen, char *outbuf),
	(state, inbuf, inlen, outbuf))
SG_LAZY_VOID(g_mime_encoding_init_decode,
	(GMimeEncoding *state, GMimeContentEncoding encoding),
	(state, encoding))
SG_LAZY(size_t, g_mime_encoding_outlen,
	(GMimeEncoding *state, size_t inlen),
	(state, inlen))
SG_LAZY(size_t, g_mime_encoding_step,
	(GMimeEncoding *state, const char *inbuf, size_t inlen, char *outbuf),
	(state, inbuf, inlen, outbuf))
SG_LAZY_VOID(g_mime_format_options_free,
	(GMimeFormatOptions *options),
	(options))
SG_LAZY(GMimeFormatOptions *, g_mime_format_options_new,
	(void),
	())
SG_LAZY_VOID(g_mime_format_options_set_newline_format,
	(GMimeFormatOptions *options, GMimeNewLineFormat newline),
	(options, newline))
SG_LAZY_VOID(g_mime_init,
	(void),
	())
SG_LAZY(GMimeObject *, g_mime_message_get_mime_part,
	(GMimeMessage *message),
	(message))
SG_LAZY(int, g_mime_multipart_get_count,
	(GMimeMultipart *multipart),
	(multipart))
SG_LAZY(GMimeObject *, g_mime_multipart_get_part,
	(GMimeMultipart *multipart, int index),
	(multipart, index))
SG_LAZY(GType, g_mime_multipart_get_type,
	(void),
	())
SG_LAZY_VOID(g_mime_object_encode,
	(GMimeObject *object, GMimeEncodingConstraint constraint),
	(object, constraint))
SG_LAZY(GMimeContentType *, g_mime_object_get_content_type,
	(GMimeObject *object),
	(object))
SG_LAZY(GType, g_mime_object_get_type,
	(void),
	())
SG_LAZY(ssize_t, g_mime_object_write_to_stream,
	(GMimeObject *object, GMimeFormatOptions *options, GMimeStream *stream),
	(object, options, stream))
SG_LAZY(GMimeMessage *, g_mime_parser_construct_message,
	(GMimeParser *parser, GMimeParserOptions *options),
	(parser, options))
SG_LAZY(GMimeObject *, g_mime_parser_construct_part,
	(GMimeParser *parser, GMimeParserOptions *options),
	(parser, options))
SG_LAZY(GMimeParser *, g_mime_parser_new_with_stream,
	(GMimeStream *stream),
	(stream))
SG_LAZY_VOID(g_mime_parser_set_format,
	(GMimeParser *parser, GMimeFormat format),
	(parser, format))
SG_LAZY(GMimeDataWrapper *, g_mime_part_get_content,
	(GMimePart *mime_part),
	(mime_part))
SG_LAZY(GMimeContentEncoding, g_mime_part_get_content_encoding,
	(GMimePart *mime_part),
	(mime_part))
SG_LAZY(GType, g_mime_part_get_type,
	(void),
	())
SG_LAZY(GType, g_mime_stream_mem_get_type,
	(void),
	())
SG_LAZY(GMimeStream *, g_mime_stream_mem_new_with_buffer,
	(const char *buffer, size_t len),
	(buffer, len))
SG_LAZY(GMimeStream *, g_mime_stream_mem_new_with_byte_array,
	(GByteArray *array),
	(array))
SG_LAZY_VOID(g_mime_stream_mem_set_owner,
	(GMimeStreamMem *mem, gboolean owner),
	(mem, owner))
SG_LAZY(ssize_t, g_mime_stream_read,
	(GMimeStream *stream, char *buf, size_t len),
	(stream, buf, len))
SG_LAZY(int, g_mime_stream_reset,
	(GMimeStream *stream),
	(stream))
SG_LAZY(InternetAddress *, internet_address_list_get_address,
	(InternetAddressList *list, int index),
	(list, index))
SG_LAZY(int, internet_address_list_length,
	(InternetAddressList *list),
	(list))
SG_LAZY(InternetAddressList *, internet_address_list_parse,
	(GMimeParserOptions *options, const char *str),
	(options, str))
SG_LAZY(const char *, internet_address_mailbox_get_addr,
	(InternetAddressMailbox *mailbox),
	(mailbox))
SG_LAZY(GType, internet_address_mailbox_get_type,
	(void),
	())
