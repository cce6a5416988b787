using System.Runtime.InteropServices;

namespace OrleansMail.Hosting;

/// <summary>
/// The data folder holds mail, indexes and password hashes: it is 0700 and everything the process creates is
/// private (umask 077), as Dovecot runs. A folder an administrator left open to others is closed, with a log line.
/// </summary>
internal static partial class DataFolder
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode OthersBits = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    /// <summary>The data folder and the spool private, and a passwd-file (empty but for its format line) if there is none yet.</summary>
    public static void Prepare(string dataPath, string spool, string passwdFile)
    {
        PreparePrivate(dataPath);
        PreparePrivate(spool);
        if (!File.Exists(passwdFile))
        {
            File.WriteAllText(passwdFile, "# OrleansMail users, in Dovecot passwd-file format: user:{SCHEME}hash:uid:gid:gecos:home:shell:extra\n");
        }
    }

    /// <summary>Sets the umask once for the process; files created afterwards (journals, caches, spool) are private.</summary>
    private static void RestrictUmask()
    {
        if (!OperatingSystem.IsWindows())
        {
            _ = Umask(0x3F); // 077
        }
    }

    /// <summary>Creates the folder 0700, or takes group and other access away from an existing one.</summary>
    private static void PreparePrivate(string path)
    {
        RestrictUmask();
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
            return;
        }

        if (!Directory.Exists(path))
        {
            Directory.CreateDirectory(path, OwnerOnly);
            return;
        }

        var mode = File.GetUnixFileMode(path);
        if ((mode & OthersBits) != 0)
        {
            Console.Error.WriteLine($"OrleansMail: {path} was accessible to other users ({Convert.ToString((int)mode, 8)}); now 0700");
            File.SetUnixFileMode(path, mode & ~OthersBits);
        }
    }

    [LibraryImport("libc", EntryPoint = "umask")]
    private static partial uint Umask(uint mask);
}
