// The tests drive a Linux Docker engine and reproduce faas-cli on Linux (file modes, symlinks).
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
