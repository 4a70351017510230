using Meridian.Changes;
using Meridian.Naming;

namespace Meridian.Storage.Relational;

/// <summary>Checks a request's preconditions inside the committing transaction, against the rows as the batch has left them so far.</summary>
internal static class Preconditions
{
    public static async Task<Precondition?> FirstFailedAsync(RelationalBatch batch, IReadOnlyList<Precondition> preconditions, CancellationToken cancellationToken)
    {
        foreach (var precondition in preconditions)
        {
            if (!await HoldsAsync(batch, precondition, cancellationToken))
            {
                return precondition;
            }
        }

        return null;
    }

    private static async Task<bool> HoldsAsync(RelationalBatch batch, Precondition precondition, CancellationToken cancellationToken) => precondition switch
    {
        NamespaceExists p => p.Namespace == ServiceKey.DefaultNamespace ||
            await batch.Statements.ScalarAsync("SELECT EXISTS (SELECT 1 FROM namespaces WHERE id = @ns)", cancellationToken, ("@ns", p.Namespace)) != 0,
        NamespaceEmpty p => await batch.Statements.ScalarAsync(
            "SELECT EXISTS (SELECT 1 FROM instances WHERE namespace = @ns) OR EXISTS (SELECT 1 FROM services WHERE namespace = @ns AND explicit = 1) " +
            "OR EXISTS (SELECT 1 FROM configs WHERE namespace = @ns AND deleted = 0)",
            cancellationToken, ("@ns", p.Namespace)) == 0,
        RevisionIs p => await batch.RevisionAsync(p.Entity, cancellationToken) == p.Expected,
        _ => throw new ArgumentOutOfRangeException(nameof(precondition), precondition.GetType().Name, "The SQLite store cannot check this precondition."),
    };
}
