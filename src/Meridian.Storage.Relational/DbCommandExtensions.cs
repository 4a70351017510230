using System.Data.Common;

namespace Meridian.Storage.Relational;

internal static class DbCommandExtensions
{
    /// <summary>Adds a parameter by name; null becomes SQL NULL.</summary>
    public static void Bind(this DbCommand command, string name, object? value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value ?? DBNull.Value;
        command.Parameters.Add(parameter);
    }
}
