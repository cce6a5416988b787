namespace OrleansMail.Grains.Contracts;

/// <summary>Computes the merge of a diverged journal chain into the user's current index (key: canonical user id).</summary>
[Alias("om.IReconciliationGrain")]
public interface IReconciliationGrain : IGrainWithStringKey
{
    [Alias("merge")]
    Task<MergeOutcome> MergeAsync(MergeInput input);
}
