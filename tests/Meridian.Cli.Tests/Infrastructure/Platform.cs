// The tests drive the CLI as a Unix user does: editors through /bin/sh, a terminal through util-linux's `script`.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
