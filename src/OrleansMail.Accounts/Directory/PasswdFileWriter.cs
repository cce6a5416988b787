using System.Runtime.InteropServices;

namespace OrleansMail.Accounts.Directory;

/// <summary>
/// Rewrites a passwd-file as Dovecot's tools would have it done: under an exclusive lock (so two concurrent edits
/// both land), through a temporary file of a unique name created with the original's mode and owner (a 0600 file
/// holding hashes must never become readable by others, not even for a moment), fsynced and renamed into place.
/// </summary>
internal static partial class PasswdFileWriter
{
    private const UnixFileMode NewFileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <param name="edit">Changes the lines; returns false when there is nothing to write.</param>
    public static void Rewrite(string path, Func<List<string>, bool> edit)
    {
        using var gate = AcquireLock(path + ".lock", TimeSpan.FromSeconds(30));
        var exists = File.Exists(path);
        var lines = exists ? File.ReadAllLines(path).ToList() : [];
        if (!edit(lines))
        {
            return;
        }

        var mode = exists && !OperatingSystem.IsWindows() ? File.GetUnixFileMode(path) : NewFileMode;
        var temp = $"{path}.{Guid.NewGuid():N}.tmp";
        try
        {
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = mode;
            }

            using (var stream = new FileStream(temp, options))
            using (var writer = new StreamWriter(stream))
            {
                foreach (var line in lines)
                {
                    writer.Write(line);
                    writer.Write('\n');
                }

                writer.Flush();
                stream.Flush(flushToDisk: true);
            }

            if (!OperatingSystem.IsWindows())
            {
                // The create mode is filtered by the umask; set it exactly.
                File.SetUnixFileMode(temp, mode);
                if (exists)
                {
                    KeepOwner(path, temp);
                }
            }

            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            File.Delete(temp);
        }
    }

    private static FileStream AcquireLock(string lockPath, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            try
            {
                // On Unix, FileShare.None takes an advisory flock: another process's writer waits here.
                var options = new FileStreamOptions { Mode = FileMode.OpenOrCreate, Access = FileAccess.ReadWrite, Share = FileShare.None };
                if (!OperatingSystem.IsWindows())
                {
                    options.UnixCreateMode = NewFileMode;
                }

                return new FileStream(lockPath, options);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                Thread.Sleep(20);
            }
        }
    }

    /// <summary>Gives <paramref name="temp"/> the owner and group of <paramref name="original"/> when they differ (only root can).</summary>
    private static unsafe void KeepOwner(string original, string temp)
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        // statx's layout is the same on every Linux architecture, unlike stat's.
        const int AtFdCwd = -100;
        const uint StatxUid = 0x8, StatxGid = 0x10;
        var buffer = stackalloc byte[256];
        if (Statx(AtFdCwd, original, 0, StatxUid | StatxGid, buffer) != 0)
        {
            return;
        }

        var uid = *(uint*)(buffer + 20);
        var gid = *(uint*)(buffer + 24);
        if (Statx(AtFdCwd, temp, 0, StatxUid | StatxGid, buffer) == 0 && (*(uint*)(buffer + 20) != uid || *(uint*)(buffer + 24) != gid))
        {
            _ = Chown(temp, uid, gid);
        }
    }

    [LibraryImport("libc", EntryPoint = "statx", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static unsafe partial int Statx(int dirfd, string path, int flags, uint mask, byte* buffer);

    [LibraryImport("libc", EntryPoint = "chown", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Chown(string path, uint owner, uint group);
}
