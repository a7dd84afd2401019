// The watchdog is a Linux binary and these tests read /proc, use unshare and send POSIX signals.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
