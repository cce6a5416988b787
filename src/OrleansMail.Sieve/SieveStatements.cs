namespace OrleansMail.Sieve;

/// <summary>A compiled command: runs, and says whether the script goes on (false after "stop").</summary>
internal abstract class SieveStatement
{
    public abstract bool Execute(SieveRun run);

    public static bool ExecuteAll(IReadOnlyList<SieveStatement> statements, SieveRun run)
    {
        foreach (var statement in statements)
        {
            if (!statement.Execute(run))
            {
                return false;
            }
        }

        return true;
    }
}

/// <summary>if / elsif / else: the first branch whose test holds runs (an else has none).</summary>
internal sealed class IfStatement(IReadOnlyList<(SieveTestNode? Test, IReadOnlyList<SieveStatement> Block)> branches) : SieveStatement
{
    public IEnumerable<IReadOnlyList<SieveStatement>> Blocks => branches.Select(b => b.Block);

    public override bool Execute(SieveRun run)
    {
        foreach (var (test, block) in branches)
        {
            if (test is null || test.Evaluate(run))
            {
                return ExecuteAll(block, run);
            }
        }

        return true;
    }
}

/// <summary>stop: ends the whole run, from any depth of include.</summary>
internal sealed class StopStatement : SieveStatement
{
    public override bool Execute(SieveRun run)
    {
        run.Stopped = true;
        return false;
    }
}

/// <summary>return (RFC 6609 §3.4): ends the script it is in; the one that included it goes on.</summary>
internal sealed class ReturnStatement : SieveStatement
{
    public override bool Execute(SieveRun run) => false;
}

/// <summary>include (RFC 6609 §3.2): runs another script at this point, in a variable scope of its own but for globals.</summary>
internal sealed class IncludeStatement(SieveScript? script, string name, bool once, bool optional) : SieveStatement
{
    /// <summary>The scripts the statements include, at any depth of if.</summary>
    public static IEnumerable<SieveScript> Included(IEnumerable<SieveStatement> statements) =>
        statements.SelectMany(s => s switch
        {
            IncludeStatement { Script: { } included } => [included],
            IfStatement branching => branching.Blocks.SelectMany(Included),
            _ => [],
        });

    public SieveScript? Script => script;

    public override bool Execute(SieveRun run)
    {
        if (script is null)
        {
            return optional ? true : throw new SieveRuntimeException($"the included script \"{name}\" does not exist");
        }

        if (once && !run.IncludedOnce.Add(name))
        {
            return true;
        }

        using (run.EnterScript(script))
        {
            ExecuteAll(script.Statements, run);
        }

        return !run.Stopped;
    }
}

internal sealed class ActionStatement(Action<SieveRun> act) : SieveStatement
{
    public override bool Execute(SieveRun run)
    {
        act(run);
        return true;
    }
}
