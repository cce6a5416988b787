namespace OrleansMail.IO;

/// <summary>
/// Options for files that hold mail or mail in transit (bodies, spool files): readable and writable by the owner
/// only (0600), whatever the process's umask, as Dovecot creates them.
/// </summary>
public static class PrivateFile
{
    public const UnixFileMode Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <param name="bufferSize">0 for none: a writer of whole bodies in large chunks gains nothing from a buffer but its allocation.</param>
    public static FileStreamOptions Create(FileMode mode, FileAccess access, FileOptions options = FileOptions.None, int bufferSize = 81920)
    {
        var result = new FileStreamOptions { Mode = mode, Access = access, Share = FileShare.None, BufferSize = bufferSize, Options = options };
        if (!OperatingSystem.IsWindows())
        {
            result.UnixCreateMode = Mode;
        }

        return result;
    }
}
