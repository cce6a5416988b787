namespace OrleansMail.IO;

/// <summary>
/// Options for files that hold mail or mail in transit (bodies, spool files): readable and writable by the owner
/// only (0600), whatever the process's umask, as Dovecot creates them.
/// </summary>
public static class PrivateFile
{
    public const UnixFileMode Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    public static FileStreamOptions Create(FileMode mode, FileAccess access, FileOptions options = FileOptions.None)
    {
        var result = new FileStreamOptions { Mode = mode, Access = access, Share = FileShare.None, BufferSize = 81920, Options = options };
        if (!OperatingSystem.IsWindows())
        {
            result.UnixCreateMode = Mode;
        }

        return result;
    }
}
