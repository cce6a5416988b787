namespace OrleansMail.Testing;

/// <summary>Finds the checkout's root (the folder holding OrleansMail.sln) from wherever tests run.</summary>
public static class RepositoryRoot
{
    public static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "OrleansMail.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("OrleansMail.sln not found above " + AppContext.BaseDirectory);
    }
}
