// The watchdog is Linux-only (posix_spawn, /proc); its tests run where it runs.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
