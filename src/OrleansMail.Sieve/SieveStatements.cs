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

internal sealed class StopStatement : SieveStatement
{
    public override bool Execute(SieveRun run) => false;
}

internal sealed class ActionStatement(Action<SieveRun> act) : SieveStatement
{
    public override bool Execute(SieveRun run)
    {
        act(run);
        return true;
    }
}
