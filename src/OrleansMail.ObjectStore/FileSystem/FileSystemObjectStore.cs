using OrleansMail.IO;
using System.Buffers.Binary;
using System.Text;
using System.Text.Json;

namespace OrleansMail.ObjectStore.FileSystem;

/// <summary>
/// The embedded default: objects are files below a root folder. Each file holds a small header (magic, ETag,
/// metadata) and then the content. Writes go to a temp file that is fsynced, renamed into place (link-based, so a
/// create never replaces) and made durable by fsyncing the directory.
/// </summary>
public sealed class FileSystemObjectStore : IObjectStore
{
    private const uint Magic = 0x4A424F4F; // "OOBJ"
    private const string TempFolder = ".tmp";

    private readonly string _root;
    private readonly DirectorySyncs _directorySyncs = new();

    public FileSystemObjectStore(string root)
    {
        _root = Path.GetFullPath(root);
        CreatePrivateDirectory(_root);
        CreatePrivateDirectory(Path.Combine(_root, TempFolder));
    }

    public async Task<bool> CreateAsync(string name, Stream content, IReadOnlyDictionary<string, string>? metadata = null, CancellationToken cancellationToken = default)
    {
        var path = PathOf(name);
        if (File.Exists(path))
        {
            return false;
        }

        var temp = await WriteTempAsync(content, NewETag(), metadata, cancellationToken).ConfigureAwait(false);

        // File.Move without overwrite is link-then-unlink on Linux, but falls back to check-then-rename where hard
        // links fail: two racing creators could both win. The path lock makes create-once exact in this process.
        using (await PathLock.AcquireAsync(path, cancellationToken).ConfigureAwait(false))
        {
            try
            {
                CreatePrivateDirectory(Path.GetDirectoryName(path)!);
                if (File.Exists(path))
                {
                    File.Delete(temp);
                    return false;
                }

                File.Move(temp, path, overwrite: false);
            }
            catch (IOException) when (File.Exists(path))
            {
                File.Delete(temp);
                return false;
            }
        }

        await _directorySyncs.SyncAsync(Path.GetDirectoryName(path)!).ConfigureAwait(false);
        return true;
    }

    public async Task<string> ReplaceAsync(string name, Stream content, string ifMatch, IReadOnlyDictionary<string, string>? metadata = null, CancellationToken cancellationToken = default)
    {
        var path = PathOf(name);
        using var guard = await PathLock.AcquireAsync(path, cancellationToken).ConfigureAwait(false);
        var current = ReadHeader(path);
        if (current is null || current.Value.ETag != ifMatch)
        {
            throw new ObjectConditionFailedException($"{name}: ETag does not match");
        }

        var etag = NewETag();
        var temp = await WriteTempAsync(content, etag, metadata, cancellationToken).ConfigureAwait(false);
        File.Move(temp, path, overwrite: true);
        await _directorySyncs.SyncAsync(Path.GetDirectoryName(path)!).ConfigureAwait(false);
        return etag;
    }

    public Task<StoredObject?> ReadAsync(string name, ByteRange? range = null, CancellationToken cancellationToken = default)
    {
        var path = PathOf(name);
        FileStream file;
        try
        {
#pragma warning disable CA2000 // handed to the caller inside the StoredObject (disposed on every failure below)
            file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 1, FileOptions.Asynchronous);
#pragma warning restore CA2000
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return Task.FromResult<StoredObject?>(null);
        }

        try
        {
            var (etag, metadata, headerLength) = ReadHeader(file, name);
            var size = file.Length - headerLength;
            var offset = Math.Min(range?.Offset ?? 0, size);
            var length = Math.Min(range?.Length ?? (size - offset), size - offset);
            file.Position = headerLength + offset;
            var properties = new ObjectProperties(name, size, etag, File.GetLastWriteTimeUtc(path), metadata);
            return Task.FromResult<StoredObject?>(new StoredObject(new BoundedStream(file, length), properties, length));
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    public Task<ObjectProperties?> GetPropertiesAsync(string name, CancellationToken cancellationToken = default)
    {
        var path = PathOf(name);
        try
        {
            using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete);
            var (etag, metadata, headerLength) = ReadHeader(file, name);
            return Task.FromResult<ObjectProperties?>(new ObjectProperties(name, file.Length - headerLength, etag, File.GetLastWriteTimeUtc(path), metadata));
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return Task.FromResult<ObjectProperties?>(null);
        }
    }

    public Task<ObjectPage> ListAsync(string prefix, string? continuation = null, int pageSize = 1000, CancellationToken cancellationToken = default)
    {
        // Walk from the deepest folder the prefix names; the rest of the prefix filters file names.
        var slash = prefix.LastIndexOf('/');
        var folder = slash < 0 ? _root : Path.Combine(_root, prefix[..slash].Replace('/', Path.DirectorySeparatorChar));
        var after = continuation is null ? null : Encoding.UTF8.GetString(Convert.FromBase64String(continuation));
        var names = new List<string>();
        if (Directory.Exists(folder))
        {
            foreach (var file in Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories))
            {
                var name = Path.GetRelativePath(_root, file).Replace(Path.DirectorySeparatorChar, '/');
                // A path lock's file is no object: one left behind by a killed process must not reach recovery.
                if (name.StartsWith(TempFolder + "/", StringComparison.Ordinal) || !name.StartsWith(prefix, StringComparison.Ordinal) || name.EndsWith(PathLock.Suffix, StringComparison.Ordinal))
                {
                    continue;
                }

                if (after is null || string.CompareOrdinal(name, after) > 0)
                {
                    names.Add(name);
                }
            }
        }

        names.Sort(StringComparer.Ordinal);
        var items = new List<ObjectEntry>();
        foreach (var name in names.Take(pageSize))
        {
            try
            {
                using var file = new FileStream(PathOf(name), FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete);
                var (_, metadata, headerLength) = ReadHeader(file, name);
                items.Add(new ObjectEntry(name, file.Length - headerLength, metadata));
            }
            catch (FileNotFoundException)
            {
                // Deleted while listing: it is simply not in this page.
            }
        }

        var next = names.Count > pageSize ? Convert.ToBase64String(Encoding.UTF8.GetBytes(names[pageSize - 1])) : null;
        return Task.FromResult(new ObjectPage(items, next));
    }

    /// <summary>A folder has one storage class.</summary>
    public Task<bool> SetStorageClassAsync(string name, StorageClass storageClass, CancellationToken cancellationToken = default) => Task.FromResult(false);

    public async Task<bool> DeleteAsync(string name, string? ifMatch = null, CancellationToken cancellationToken = default)
    {
        var path = PathOf(name);
        using var guard = await PathLock.AcquireAsync(path, cancellationToken).ConfigureAwait(false);
        var current = ReadHeader(path);
        if (current is null)
        {
            return false;
        }

        if (ifMatch is not null && current.Value.ETag != ifMatch)
        {
            throw new ObjectConditionFailedException($"{name}: ETag does not match");
        }

        File.Delete(path);
        Durability.SyncDirectory(Path.GetDirectoryName(path)!);
        return true;
    }

    private static string NewETag() => "\"" + Guid.NewGuid().ToString("N") + "\"";

    private string PathOf(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        foreach (var part in name.Split('/'))
        {
            if (part.Length == 0 || part == "." || part == ".." || part.Contains('\\', StringComparison.Ordinal) || part.Contains('\0', StringComparison.Ordinal))
            {
                throw new ArgumentException($"invalid object name '{name}'", nameof(name));
            }
        }

        if (name.StartsWith(TempFolder + "/", StringComparison.Ordinal))
        {
            throw new ArgumentException($"invalid object name '{name}'", nameof(name));
        }

        return Path.Combine(_root, name.Replace('/', Path.DirectorySeparatorChar));
    }

    /// <summary>Mail is private: folders the store creates are 0700 (bodies are 0600, see <see cref="PrivateFile"/>).</summary>
    private static void CreatePrivateDirectory(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
        }
        else
        {
            Directory.CreateDirectory(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    private async Task<string> WriteTempAsync(Stream content, string etag, IReadOnlyDictionary<string, string>? metadata, CancellationToken cancellationToken)
    {
        var temp = Path.Combine(_root, TempFolder, Guid.NewGuid().ToString("N"));
        try
        {
            var file = new FileStream(temp, PrivateFile.Create(FileMode.CreateNew, FileAccess.Write, FileOptions.Asynchronous, bufferSize: 0));
            await using (file.ConfigureAwait(false))
            {
                // Unbuffered: the header goes out in one write, the content in the copy's large chunks.
                var header = JsonSerializer.SerializeToUtf8Bytes(new Header(etag, metadata ?? new Dictionary<string, string>()), HeaderContext.Default.Header);
                var prefixed = new byte[8 + header.Length];
                BinaryPrimitives.WriteUInt32LittleEndian(prefixed, Magic);
                BinaryPrimitives.WriteInt32LittleEndian(prefixed.AsSpan(4), header.Length);
                header.CopyTo(prefixed, 8);
                await file.WriteAsync(prefixed, cancellationToken).ConfigureAwait(false);
                await content.CopyToAsync(file, cancellationToken).ConfigureAwait(false);
                await file.FlushAsync(cancellationToken).ConfigureAwait(false);
                file.Flush(flushToDisk: true);
            }

            return temp;
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
    }

    private static (string ETag, IReadOnlyDictionary<string, string> Metadata, int HeaderLength)? ReadHeader(string path)
    {
        try
        {
            using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete);
            return ReadHeader(file, path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }

    private static (string ETag, IReadOnlyDictionary<string, string> Metadata, int HeaderLength) ReadHeader(FileStream file, string name)
    {
        Span<byte> prefix = stackalloc byte[8];
        file.ReadExactly(prefix);
        if (BinaryPrimitives.ReadUInt32LittleEndian(prefix) != Magic)
        {
            throw new InvalidDataException($"{name} is not an object file");
        }

        var length = BinaryPrimitives.ReadInt32LittleEndian(prefix[4..]);
        var json = new byte[length];
        file.ReadExactly(json);
        var header = JsonSerializer.Deserialize(json, HeaderContext.Default.Header) ?? throw new InvalidDataException($"{name} has no header");
        return (header.ETag, header.Metadata, 8 + length);
    }

    internal sealed record Header(string ETag, IReadOnlyDictionary<string, string> Metadata);
}
