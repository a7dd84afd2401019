// The watchdog is a Linux binary; these tests start it and Prometheus and send POSIX signals.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
