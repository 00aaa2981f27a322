/*
 * bcryptprimitives.dll for Wine 8, which lacks it: Go 1.24 and later read random bytes
 * from ProcessPrng at start-up, and a Go program for Windows does not start without it.
 * Only for running Duet's Windows build under Wine in `make test-windows`; Windows has
 * the real DLL. ProcessPrng fills the buffer from advapi32's RtlGenRandom
 * (SystemFunction036), which Wine implements on the host's random source.
 */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len)
{
	while (len > 0) {
		ULONG n = len > 0x40000000 ? 0x40000000 : (ULONG)len;
		if (!SystemFunction036(data, n))
			return FALSE;
		data += n;
		len -= n;
	}
	return TRUE;
}

BOOL WINAPI DllMain(HINSTANCE instance, DWORD reason, LPVOID reserved)
{
	(void)instance;
	(void)reason;
	(void)reserved;
	return TRUE;
}
