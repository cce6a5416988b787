namespace OrleansMail.ObjectStore.FileSystem;

/// <summary>
/// Serialises conditional writes to one object across threads and processes: an in-process semaphore plus an
/// exclusive lock file, so read-compare-rename is atomic for every writer of the folder.
/// </summary>
internal static class PathLock
{
    /// <summary>The lock file beside the object it guards.</summary>
    public const string Suffix = ".lock";

    private static readonly Dictionary<string, SemaphoreSlim> Gates = [];

    public static async Task<IDisposable> AcquireAsync(string path, CancellationToken cancellationToken)
    {
        SemaphoreSlim gate;
        lock (Gates)
        {
            if (!Gates.TryGetValue(path, out gate!))
            {
                gate = new SemaphoreSlim(1, 1);
                Gates[path] = gate;
            }
        }

        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            for (var attempt = 0; ; attempt++)
            {
                try
                {
                    var file = new FileStream(path + Suffix, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose);
                    return new Releaser(gate, file);
                }
                catch (IOException) when (attempt < 500)
                {
                    await Task.Delay(10, cancellationToken).ConfigureAwait(false);
                }
            }
        }
        catch
        {
            gate.Release();
            throw;
        }
    }

    private sealed class Releaser(SemaphoreSlim gate, FileStream file) : IDisposable
    {
        public void Dispose()
        {
            file.Dispose();
            gate.Release();
        }
    }
}
