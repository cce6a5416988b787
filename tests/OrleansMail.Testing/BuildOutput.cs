namespace OrleansMail.Testing;

/// <summary>
/// An executable of the repository, run from its own build output with its own runtime configuration, as an
/// administrator runs it (the solution build puts it there; no test project references an executable).
/// </summary>
public static class BuildOutput
{
    /// <param name="projectFolder">The project's folder from the repository root, e.g. "silo-host" or "tools/OrleansMail.Cli".</param>
    /// <param name="assembly">The entry assembly's file name.</param>
    public static string Of(string projectFolder, string assembly)
    {
        // Tests run from tests/{project}/bin/{configuration}/net10.0: the executable was built the same way.
        var configuration = Path.GetFileName(Path.GetDirectoryName(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)))!;
        var path = Path.Combine(RepositoryRoot.Find(), projectFolder, "bin", configuration, "net10.0", assembly);
        return File.Exists(path) ? path : throw new FileNotFoundException($"{assembly} is not built; build the solution first (dotnet build OrleansMail.sln)", path);
    }
}
