namespace OrleansMail.ObjectStore.FileSystem;

/// <summary>
/// Serialises conditional writes to one object across threads and processes: an in-process semaphore plus an
/// exclusive lock file, so read-compare-rename is atomic for every writer of the folder.
/// </summary>
internal static class PathLock
{
    /// <summary>The lock file beside the object it guards.</summary>
    public const string Suffix = ".lock";

    // A gate lives only while someone holds or waits for it: a silo writes millions of distinct objects, and a
    // table that kept one semaphore per path ever written grew with the mail that passed through.
    private static readonly Dictionary<string, Gate> Gates = [];

    /// <summary>Paths under a folder with a gate now, for the tests that check the table empties.</summary>
    internal static int GatesUnder(string folder)
    {
        lock (Gates)
        {
            return Gates.Keys.Count(p => p.StartsWith(folder, StringComparison.Ordinal));
        }
    }

    public static async Task<IDisposable> AcquireAsync(string path, CancellationToken cancellationToken)
    {
        Gate gate;
        lock (Gates)
        {
            if (!Gates.TryGetValue(path, out gate!))
            {
                gate = new Gate();
                Gates[path] = gate;
            }

            gate.Users++;
        }

        try
        {
            await gate.Semaphore.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            Leave(path, gate);
            throw;
        }

        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            for (var attempt = 0; ; attempt++)
            {
                try
                {
                    return new Releaser(path, gate);
                }
                catch (IOException) when (attempt < 500)
                {
                    await Task.Delay(10, cancellationToken).ConfigureAwait(false);
                }
            }
        }
        catch
        {
            gate.Semaphore.Release();
            Leave(path, gate);
            throw;
        }
    }

    private static void Leave(string path, Gate gate)
    {
        lock (Gates)
        {
            if (--gate.Users == 0)
            {
                Gates.Remove(path);
                gate.Semaphore.Dispose();
            }
        }
    }

    private sealed class Gate
    {
        public SemaphoreSlim Semaphore { get; } = new(1, 1);

        /// <summary>Holders and waiters; guarded by the table's lock.</summary>
        public int Users { get; set; }
    }

    private sealed class Releaser(string path, Gate gate) : IDisposable
    {
        private readonly FileStream _file = new(path + Suffix, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose);
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 1)
            {
                return;
            }

            _file.Dispose();
            gate.Semaphore.Release();
            Leave(path, gate);
        }
    }
}
