// Typed wrappers around libcurl's variadic calls.
//
// curl_easy_setopt and curl_easy_getinfo are C variadic functions, which Swift cannot call.
// Each wrapper below fixes the argument type of one family of options, so the Swift side
// gets a checked signature. Every symbol is prefixed `herald_` to stay out of libcurl's namespace.
#ifndef HERALD_CCURL_H
#define HERALD_CCURL_H

#include <curl/curl.h>
#include <stddef.h>

typedef size_t (*herald_curl_io_callback)(char *buffer, size_t size, size_t nitems, void *userdata);
typedef int (*herald_curl_debug_callback)(CURL *handle, curl_infotype type, char *data, size_t size,
                                          void *userdata);

CURLcode herald_curl_setopt_long(CURL *handle, CURLoption option, long value);
CURLcode herald_curl_setopt_offset(CURL *handle, CURLoption option, curl_off_t value);
/// For string options (libcurl copies the string) and for pointer options such as CURLOPT_READDATA.
CURLcode herald_curl_setopt_pointer(CURL *handle, CURLoption option, const void *value);
CURLcode herald_curl_setopt_slist(CURL *handle, CURLoption option, struct curl_slist *value);
/// For CURLOPT_READFUNCTION and CURLOPT_WRITEFUNCTION.
CURLcode herald_curl_setopt_io_callback(CURL *handle, CURLoption option, herald_curl_io_callback callback);
CURLcode herald_curl_setopt_debug_callback(CURL *handle, herald_curl_debug_callback callback);

CURLcode herald_curl_getinfo_long(CURL *handle, CURLINFO info, long *value);
CURLcode herald_curl_getinfo_string(CURL *handle, CURLINFO info, const char **value);
CURLcode herald_curl_getinfo_certinfo(CURL *handle, struct curl_certinfo **value);
/// For CURLINFO_ACTIVESOCKET: the socket of a CURLOPT_CONNECT_ONLY connection, to poll.
CURLcode herald_curl_getinfo_socket(CURL *handle, CURLINFO info, curl_socket_t *value);

#endif
