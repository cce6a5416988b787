namespace OrleansMail.ObjectStore.Leases;

/// <summary>`active` while a holder serves the user; `released` after a clean deactivation. Anything else found active is an unclean end.</summary>
public enum LeaseState
{
    Active = 0,
    Released = 1,
}
