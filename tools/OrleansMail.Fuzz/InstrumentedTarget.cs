using System.Reflection;
using System.Runtime.Loader;
using SharpFuzz;

namespace OrleansMail.Fuzz;

/// <summary>
/// A fuzz target whose protocol assembly is instrumented with SharpFuzz's AFL edge coverage at start-up: copies of
/// the target and protocol assemblies are rewritten in a private folder and loaded into their own load context,
/// so the ordinary build stays uninstrumented and no separate tool step is needed. SharpFuzz.Common stays shared
/// with the default context: that is where the coverage bitmap lives.
/// </summary>
public sealed unsafe class InstrumentedTarget : IDisposable
{
    private static readonly Dictionary<string, (string Type, string Assembly)> Known = new(StringComparer.OrdinalIgnoreCase)
    {
        ["imap"] = ("OrleansMail.Fuzz.Targets.ImapParserTarget", "OrleansMail.Imap.Protocol"),
        ["lmtp"] = ("OrleansMail.Fuzz.Targets.LmtpTarget", "OrleansMail.Lmtp.Protocol"),
        ["sieve"] = ("OrleansMail.Fuzz.Targets.SieveTarget", "OrleansMail.Sieve"),
    };

    private readonly string _folder;
    private readonly IsolatedContext _context;

    private InstrumentedTarget(string name, string folder, IsolatedContext context, Action<byte[]> run, IReadOnlyList<string> dictionary, int instrumentedTypes)
    {
        Name = name;
        _folder = folder;
        _context = context;
        Run = run;
        Dictionary = dictionary;
        InstrumentedTypes = instrumentedTypes;
    }

    public static IReadOnlyCollection<string> Names => Known.Keys;

    public string Name { get; }

    public Action<byte[]> Run { get; }

    public IReadOnlyList<string> Dictionary { get; }

    /// <summary>How many types of the protocol assembly carry coverage probes (0 would mean a blind fuzzer).</summary>
    public int InstrumentedTypes { get; }

    public static InstrumentedTarget Load(string name)
    {
        if (!Known.TryGetValue(name, out var target))
        {
            throw new ArgumentException($"unknown target {name}; known: {string.Join(", ", Known.Keys)}", nameof(name));
        }

        var folder = Directory.CreateTempSubdirectory("orleansmail-fuzz-").FullName;
        foreach (var assembly in new[] { "OrleansMail.Fuzz.Targets", "OrleansMail.Imap.Protocol", "OrleansMail.Lmtp.Protocol", "OrleansMail.Sieve" })
        {
            File.Copy(Path.Combine(AppContext.BaseDirectory, assembly + ".dll"), Path.Combine(folder, assembly + ".dll"));
        }

        var types = Fuzzer.Instrument(Path.Combine(folder, target.Assembly + ".dll"), type => type.StartsWith("OrleansMail.", StringComparison.Ordinal), Options.Value).Count();
        // Instrumented code writes to the bitmap from its first instruction on, static constructors included:
        // until an engine installs its own, give it one to write to.
        if (SharpFuzz.Common.Trace.SharedMem == null)
        {
            SharpFuzz.Common.Trace.SharedMem = (byte*)System.Runtime.InteropServices.NativeMemory.AllocZeroed(1 << 16);
        }

        var context = new IsolatedContext(folder);
        var entry = context.LoadFromAssemblyName(new AssemblyName("OrleansMail.Fuzz.Targets")).GetType(target.Type, throwOnError: true)!;
        var run = entry.GetMethod("Run", [typeof(byte[])])!.CreateDelegate<Action<byte[]>>();
        var dictionary = (IReadOnlyList<string>)entry.GetProperty("Dictionary")!.GetValue(null)!;
        return new InstrumentedTarget(name, folder, context, run, dictionary, types);
    }

    public void Dispose()
    {
        _context.Unload();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // Still mapped until the context is collected; the temp folder is the system's to clean.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private sealed class IsolatedContext(string folder) : AssemblyLoadContext("orleansmail-fuzz", isCollectible: true)
    {
        protected override Assembly? Load(AssemblyName assemblyName)
        {
            var path = Path.Combine(folder, assemblyName.Name + ".dll");
            return File.Exists(path) ? LoadFromAssemblyPath(path) : null;
        }
    }
}
